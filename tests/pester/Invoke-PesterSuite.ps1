<#
.SYNOPSIS
    Runs every tests/pester/*.Tests.ps1 in this (fresh) pwsh against the laid-out module and
    writes the counts to -ResultPath as JSON for build.ps1 to sum.
.DESCRIPTION
    The whole run is also a leak audit: every PerplexityKeys cmdlet runs with -Verbose, -Debug and
    (for rotations) the audit log on, under a transcript. Afterwards the transcript, the audit log
    and every error the run collected (messages, inner exceptions, targets, formatted in full) are
    searched for key text. Any hit counts as a failed test.
#>
param([Parameter(Mandatory)] [string] $ResultPath)

$ErrorActionPreference = 'Stop'
$root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
$env:PSModulePath = (Join-Path $root 'out/test-modules') + [IO.Path]::PathSeparator + $env:PSModulePath
$env:PPLX_TEST_MODULE = Join-Path $root 'out/PerplexityKeys'
$env:PPLX_TEST_SUPPORT = Join-Path $root 'testkit/PplxTestSupport.psm1'
# Not as a pipeline step, even in one: the suite's many expected failures are not the pipeline's issues, and the tests
# that check the logging commands set these variables for the processes they start (Pipelines.Tests.ps1).
foreach ($name in 'TF_BUILD', 'GITHUB_ACTIONS', 'GITHUB_OUTPUT') { Remove-Item "env:$name" -ErrorAction Ignore }
Import-Module Pester -MinimumVersion 6.0 -ErrorAction Stop
# The run's own HOME, before anything uses SecretManagement: its vault registry lives under $HOME.
Import-Module $env:PPLX_TEST_SUPPORT
$testHome = Use-PplxTestHome

$work = Split-Path $ResultPath
$transcript = Join-Path $work 'pester-transcript.txt'
$audit = Join-Path $work 'rotation-audit.jsonl'
foreach ($cmdlet in 'New-PplxToken', 'Test-PplxToken', 'Revoke-PplxToken', 'Invoke-PplxRotation', 'Get-PplxToken') {
    $global:PSDefaultParameterValues["${cmdlet}:Verbose"] = $true
    $global:PSDefaultParameterValues["${cmdlet}:Debug"] = $true
}
foreach ($cmdlet in 'New-PplxToken', 'Test-PplxToken', 'Revoke-PplxToken', 'Invoke-PplxRotation') {
    $global:PSDefaultParameterValues["${cmdlet}:AuditLog"] = $audit
}

$config = New-PesterConfiguration
$config.Run.Path = $PSScriptRoot
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.Output.RenderMode = 'Plaintext'
$null = Start-Transcript -Path $transcript
try { $result = Invoke-Pester -Configuration $config }
finally { $null = Stop-Transcript }
Remove-Item -Recurse -Force $testHome -ErrorAction Ignore

# The leak audit. Emulator keys are 'pplx-' and 48 random letters and digits; the tests' own
# made-up keys repeat one character, so demanding a dozen distinct characters tells them apart.
$errorsText = $global:Error | ForEach-Object {
    if ($_ -is [System.Management.Automation.ErrorRecord]) {
        $_ | Format-List * -Force | Out-String -Width 500
        $_.TargetObject | Format-List * -Force | Out-String -Width 500
    }
    $e = if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.Exception } else { $_ }
    while ($e) { $e.ToString(); $e = $e.InnerException }
}
# $Error as a user would dump it: Get-Error on every record, and the whole list through Export-Clixml.
$getError = $global:Error | ForEach-Object { if ($_ -is [System.Management.Automation.ErrorRecord]) { $_ | Get-Error | Out-String -Width 500 } }
$clixml = Join-Path $work 'errors.clixml'
$global:Error | Export-Clixml -Path $clixml -Depth 4
$corpus = @(
    Get-Content -Raw $transcript
    if (Test-Path $audit) { Get-Content -Raw $audit }
    $errorsText
    $getError
    Get-Content -Raw $clixml
) -join "`n"
# A key with its prefix, or its 48-character body alone (bounded by other characters).
$leaks = @([regex]::Matches($corpus, '(?<![A-Za-z0-9])(pplx-)?[A-Za-z0-9]{48}(?![A-Za-z0-9])') | ForEach-Object Value |
    Where-Object { @($_.Substring($_.Length - 48).ToCharArray() | Select-Object -Unique).Count -ge 12 } | Select-Object -Unique)
$auditLines = if (Test-Path $audit) { @(Get-Content $audit).Count } else { 0 }
Write-Host ("Leak audit: {0:N0} characters of transcript, audit log, errors (formatted in full, Get-Error, Export-Clixml), {1} audit lines and {2} errors searched; {3} key strings found." -f $corpus.Length, $auditLines, $global:Error.Count, $leaks.Count)
if ($leaks.Count -gt 0) {
    Write-Host ('Leaked fingerprints: ' + (($leaks | ForEach-Object { '…' + $_.Substring($_.Length - 4) }) -join ', ')) -ForegroundColor Red
}

[pscustomobject]@{
    Passed  = $result.PassedCount + $(if ($leaks.Count -eq 0 -and $auditLines -gt 0) { 1 } else { 0 })
    Failed  = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount + $(if ($leaks.Count -gt 0 -or $auditLines -eq 0) { 1 } else { 0 })
    Skipped = $result.SkippedCount + $result.NotRunCount
} | ConvertTo-Json | Set-Content -Path $ResultPath
