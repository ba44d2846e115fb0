# A SecretManagement extension vault that keeps secrets and metadata in a JSON file
# (VaultParameters.Path). Metadata rules follow SecretStore: string, int and DateTime values only,
# and overwriting a secret resets its metadata. Tests only: it stores secrets in clear text.
. (Join-Path $PSScriptRoot '../../Common/VaultStore.ps1')

function Get-Secret {
    param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters)
    $entry = (Read-VaultStore $AdditionalParameters.Path)[$Name]
    if ($entry) { $value = ConvertFrom-VaultEntry $entry; , $value }
}

function Set-Secret {
    param([string] $Name, [object] $Secret, [string] $VaultName, [hashtable] $AdditionalParameters, [hashtable] $Metadata)
    Assert-MetadataTypes $Metadata
    $store = Read-VaultStore $AdditionalParameters.Path
    $entry = ConvertTo-VaultEntry $Name $Secret
    $entry.Metadata = if ($Metadata) { $Metadata } else { @{} }
    $store[$Name] = $entry
    Write-VaultStore $AdditionalParameters.Path $store
    Add-VaultHistory $AdditionalParameters.Path $Name $entry
}

function Set-SecretInfo {
    param([string] $Name, [hashtable] $Metadata, [string] $VaultName, [hashtable] $AdditionalParameters)
    Assert-MetadataTypes $Metadata
    $store = Read-VaultStore $AdditionalParameters.Path
    if (-not $store.ContainsKey($Name)) { throw [System.Management.Automation.ItemNotFoundException]::new("FileVault cannot write metadata to $Name because the secret does not exist.") }
    $store[$Name].Metadata = $Metadata
    Write-VaultStore $AdditionalParameters.Path $store
}

function Remove-Secret {
    param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters)
    $store = Read-VaultStore $AdditionalParameters.Path
    if (-not $store.ContainsKey($Name)) { Write-Error "Remove-Secret error in vault $VaultName : Secret not found" -ErrorId 'FileVaultRemoveSecretFailed'; return }
    $store.Remove($Name)
    Write-VaultStore $AdditionalParameters.Path $store
    Add-VaultHistory $AdditionalParameters.Path $Name $null
}

function Get-SecretInfo {
    param([string] $Filter, [string] $VaultName, [hashtable] $AdditionalParameters)
    Get-VaultStoreInfo (Read-VaultStore $AdditionalParameters.Path) $Filter $VaultName $true
}

function Test-SecretVault {
    param([string] $VaultName, [hashtable] $AdditionalParameters)
    Test-Path (Split-Path $AdditionalParameters.Path)
}

function Assert-MetadataTypes([hashtable] $Metadata) {
    if (-not $Metadata) { return }
    foreach ($v in $Metadata.Values) {
        if (-not ($v -is [string] -or $v -is [int] -or $v -is [datetime])) {
            throw [System.Management.Automation.ItemNotFoundException]::new('FileVault accepts secret metadata only of types: string, int, DateTime')
        }
    }
}
