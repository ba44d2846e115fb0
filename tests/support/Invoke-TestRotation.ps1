<#
.SYNOPSIS
    Runs one Invoke-PplxRotation in its own pwsh, as a scheduled task would (tests kill it mid-run).
    The vault registry, base URI and module path come from the environment.
#>
param([Parameter(Mandatory)] [string] $Vault, [Parameter(Mandatory)] [string] $SecretName, [string] $Stage = 'All')
$ErrorActionPreference = 'Stop'
Import-Module $env:PPLX_TEST_MODULE
Invoke-PplxRotation -Vault $Vault -SecretName $SecretName -Stage $Stage -Force | Out-Null
