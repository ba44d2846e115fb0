<#
.SYNOPSIS
    Runs every tests/pester/*.Tests.ps1 in this (fresh) pwsh against the laid-out module and
    writes the counts to -ResultPath as JSON for build.ps1 to sum.
#>
param([Parameter(Mandatory)] [string] $ResultPath)

$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$env:PSModulePath = (Join-Path $root 'out/test-modules') + [IO.Path]::PathSeparator + $env:PSModulePath
$env:PPLX_TEST_MODULE = Join-Path $root 'out/PerplexityKeys'
$env:PPLX_TEST_SUPPORT = Join-Path $root 'tests/support/PplxTestSupport.psm1'
Import-Module Pester -MinimumVersion 6.0 -ErrorAction Stop

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $config

[pscustomobject]@{
    Passed  = $result.PassedCount
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -Path $ResultPath
