<#
.SYNOPSIS
    Makes an Azure Key Vault usable by PerplexityKeys in a pipeline step: SecretManagement installed (CurrentUser, from
    the PowerShell Gallery) when missing, the Key Vault registered as the SecretManagement vault -Name through Az.KeyVault's
    SecretManagement extension when it is not yet, and PerplexityKeys imported from -ModulePath.
.DESCRIPTION
    Runs in an Azure PowerShell step (AzurePowerShell@5 on Azure Pipelines, azure/powershell on GitHub Actions), whose
    Az context the extension uses. Every step is a process of its own, so each calls this first; the registration is
    kept under $HOME and is made once per agent. Works under pwsh and Windows PowerShell 5.1.
#>
param(
    [Parameter(Mandatory)] [string] $KeyVaultName,
    [Parameter(Mandatory)] [string] $SubscriptionId,
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $Name = 'Prod'
)
$ErrorActionPreference = 'Stop'
if (-not (Get-Module -ListAvailable Microsoft.PowerShell.SecretManagement)) {
    Install-Module Microsoft.PowerShell.SecretManagement -Scope CurrentUser -Repository PSGallery -Force
}
Import-Module Microsoft.PowerShell.SecretManagement
if (-not (Get-SecretVault -Name $Name -ErrorAction SilentlyContinue)) {
    Register-SecretVault -Name $Name -ModuleName Az.KeyVault -VaultParameters @{ AZKVaultName = $KeyVaultName; SubscriptionId = $SubscriptionId }
}
Import-Module $ModulePath
