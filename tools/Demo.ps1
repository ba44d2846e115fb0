<#
.SYNOPSIS
    The main job on the built-in default: a loopback emulator of the Perplexity API, no real key.
.DESCRIPTION
    Starts the emulator, imports the laid-out module, mints a service key with the emulator's
    seeded admin key, probes it both ways, revokes it and shows that it is refused afterwards.
    No key text is printed: only fingerprints.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath
)

$ErrorActionPreference = 'Stop'
$psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($a in $EmulatorPath, '--port', '0', '--exit-on-stdin-close') { $psi.ArgumentList.Add($a) }
$psi.RedirectStandardOutput = $true
$psi.RedirectStandardInput = $true
$psi.RedirectStandardError = $true
$psi.UseShellExecute = $false
$emulator = [System.Diagnostics.Process]::Start($psi)
try {
    $info = $emulator.StandardOutput.ReadLine().Substring('PPLX-EMULATOR '.Length) | ConvertFrom-Json
    $env:PERPLEXITY_BASE_URL = $info.baseUri
    $adminKey = ConvertTo-SecureString $info.adminKey -AsPlainText -Force
    Import-Module $ModulePath -Force

    Write-Host "Emulator of the Perplexity API at $($info.baseUri) (loopback only)." -ForegroundColor Cyan
    Write-Host "`n1. Mint a key for a service, authorized by the admin key:" -ForegroundColor Cyan
    $token = New-PplxToken -TokenName 'demo-service' -ApiKey $adminKey
    $token | Format-Table | Out-Host

    Write-Host '2. Probe it: free probe (default) and the 1-token completion probe:' -ForegroundColor Cyan
    @($token | Test-PplxToken) + @($token | Test-PplxToken -Probe Completion) | Format-Table | Out-Host

    Write-Host '3. Revoke it (-Force: no prompt), then probe again:' -ForegroundColor Cyan
    $token | Revoke-PplxToken -ApiKey $adminKey -Force -PassThru | Format-Table | Out-Host
    $after = $token | Test-PplxToken
    $after | Format-Table | Out-Host

    if ($after.Status -ne 'Invalid') { throw "The revoked key still probes as $($after.Status)." }
    Write-Host 'Demo finished: the key was minted, proven, revoked and refused.' -ForegroundColor Green
}
finally {
    $emulator.StandardInput.Close()
    if (-not $emulator.WaitForExit(10000)) { $emulator.Kill() }
}
