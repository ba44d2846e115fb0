<#
.SYNOPSIS
    Runs Invoke-PplxRotation in its own pwsh, as a scheduled task would (tests kill it mid-run, or run
    two at once). -Rounds rotates the secret that many times in a row. With -GoFile it first reads the
    vault (so a vault that caches per process holds a copy from now), creates "<GoFile>.<PID>.ready",
    and starts only once -GoFile exists. The vault registry (HOME), base URI and module path come from
    the environment. Exits 1 when a rotation failed.
#>
param([Parameter(Mandatory)] [string] $Vault, [Parameter(Mandatory)] [string] $SecretName, [string] $Stage = 'All', [int] $Rounds = 1, [string] $GoFile)
$ErrorActionPreference = 'Stop'
Import-Module $env:PPLX_TEST_MODULE
if ($GoFile) {
    $null = Test-PplxToken -Vault $Vault -SecretName $SecretName
    Set-Content "$GoFile.$PID.ready" 'ready'
    while (-not (Test-Path $GoFile)) { Start-Sleep -Milliseconds 20 }   # another process's signal: nothing here to await
}
for ($i = 0; $i -lt $Rounds; $i++) {
    Invoke-PplxRotation -Vault $Vault -SecretName $SecretName -Stage $Stage -Force | Out-Null
}
