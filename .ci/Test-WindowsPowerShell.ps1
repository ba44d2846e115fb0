<#
.SYNOPSIS
    Windows PowerShell 5.1 smoke test: imports the laid-out module (out/PerplexityKeys), checks its commands, then
    probes the emulator's admin key and mints and probes a key against the emulator.
.DESCRIPTION
    Run by .ci/azure-pipelines-windows.yml under powershell.exe once the Test task has laid the module and the emulator
    out. Written for 5.1 (no PowerShell 7 syntax; tests/pester/WindowsCi.Tests.ps1 checks that, and runs it under pwsh
    with -AnyEdition). Never run on Windows here: this project has no Windows machine.
.PARAMETER AnyEdition
    Run under any PowerShell, not only Windows PowerShell (Desktop): to try the script where there is no Windows.
#>
param([switch] $AnyEdition)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
if (-not $AnyEdition -and $PSVersionTable.PSEdition -ne 'Desktop') {
    throw "This is the Windows PowerShell 5.1 smoke test; this is PowerShell $($PSVersionTable.PSVersion) ($($PSVersionTable.PSEdition))."
}

$root = Split-Path -Parent $PSScriptRoot
$module = Import-Module (Join-Path $root 'out/PerplexityKeys') -PassThru -Force
$commands = @(Get-Command -Module PerplexityKeys | ForEach-Object { $_.Name } | Sort-Object)
Write-Output "PowerShell $($PSVersionTable.PSVersion) ($($PSVersionTable.PSEdition)): PerplexityKeys $($module.Version), commands $($commands -join ', ')"
$expected = 'Get-PplxToken', 'Invoke-PplxRotation', 'New-PplxToken', 'Revoke-PplxToken', 'Test-PplxToken'
if (($commands -join ',') -ne ($expected -join ',')) { throw "Expected the commands $($expected -join ', ')." }

# The emulator runs under dotnet and names its base URI and admin key on its first line; it exits when its stdin closes.
$psi = New-Object System.Diagnostics.ProcessStartInfo 'dotnet'
$psi.Arguments = '"{0}" --port 0 --exit-on-stdin-close' -f (Join-Path $root 'out/emulator/PerplexityKeys.Emulator.dll')
$psi.UseShellExecute = $false
$psi.RedirectStandardOutput = $true
$psi.RedirectStandardInput = $true
$emulator = [System.Diagnostics.Process]::Start($psi)
try {
    $line = $emulator.StandardOutput.ReadLine()
    if ($line -notlike 'PPLX-EMULATOR *') { throw "The emulator did not start: $line" }
    $info = $line.Substring('PPLX-EMULATOR '.Length) | ConvertFrom-Json
    $admin = ConvertTo-SecureString -String $info.adminKey -AsPlainText -Force

    $probe = $admin | Test-PplxToken -BaseUri $info.baseUri
    Write-Output "probe: $($probe.Fingerprint) $($probe.Status)"
    if ($probe.Status -ne 'Valid') { throw "The admin key probed $($probe.Status)." }

    $token = New-PplxToken -TokenName 'windows-powershell-smoke' -ApiKey $admin -BaseUri $info.baseUri
    $minted = $token | Test-PplxToken
    Write-Output "mint: $($minted.Fingerprint) $($minted.Status)"
    if ($minted.Status -ne 'Valid') { throw "The minted key probed $($minted.Status)." }
} finally {
    $emulator.StandardInput.Close()
    if (-not $emulator.WaitForExit(10000)) { $emulator.Kill() }
}
Write-Output 'Windows PowerShell smoke: passed'
