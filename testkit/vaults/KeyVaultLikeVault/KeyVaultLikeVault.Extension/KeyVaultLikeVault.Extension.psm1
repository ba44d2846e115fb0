# A SecretManagement extension vault that hurts a caller where Azure Key Vault through the
# Az.KeyVault extension does (shared/secretmanagement.md §10). VaultParameters: Path (the store file).
#   No metadata: Set-Secret has no parameter for it and there is no function to set secret infos,
#   so SecretManagement refuses metadata for this vault.
#   Names: letters, digits and dashes, 1 to 127 characters; anything else is an error.
#   Remove-Secret is a soft delete: the name is kept in "<Path>.deleted.json" and cannot be written
#   again until it is purged (tests purge with Remove-PplxTestVaultDeletedSecret).
# Like the service, it has no cache: every call reads the file, and writes never race each other.
# Tests only: it stores secrets in clear text.
. (Join-Path $PSScriptRoot '../../Common/VaultStore.ps1')
. (Join-Path $PSScriptRoot '../../Common/FileLock.ps1')

function Assert-SecretName([string] $Name) {
    if ($Name -cnotmatch '^[0-9A-Za-z-]{1,127}$') {
        throw [System.ArgumentException]::new("Secret name '$Name' is invalid. A secret name may contain only letters, digits and dashes, and be 1 to 127 characters long.")
    }
}

function Read-DeletedNames([string] $Path) {
    $file = "$Path.deleted.json"
    $deleted = [System.Collections.Hashtable]::new([System.StringComparer]::OrdinalIgnoreCase)
    if (Test-Path $file) {
        $data = Get-Content -Raw $file | ConvertFrom-Json -AsHashtable
        if ($data) { foreach ($k in $data.Keys) { $deleted[$k] = $data[$k] } }
    }
    $deleted
}

function Write-DeletedNames([string] $Path, [hashtable] $Deleted) {
    $tmp = "$Path.deleted.$PID.$([guid]::NewGuid().ToString('N')).tmp"
    $Deleted | ConvertTo-Json -Depth 4 | Set-Content -Path $tmp
    [System.IO.File]::Move($tmp, "$Path.deleted.json", $true)
}

function Get-Secret {
    param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters)
    Assert-SecretName $Name
    $entry = (Read-VaultStore $AdditionalParameters.Path)[$Name]
    if ($entry) { $value = ConvertFrom-VaultEntry $entry; , $value }
}

function Set-Secret {
    param([string] $Name, [object] $Secret, [string] $VaultName, [hashtable] $AdditionalParameters)
    Assert-SecretName $Name
    $path = $AdditionalParameters.Path
    Use-VaultFileLock $path {
        if ((Read-DeletedNames $path).ContainsKey($Name)) {
            throw [System.InvalidOperationException]::new("Secret $Name is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.")
        }
        $store = Read-VaultStore $path
        $entry = ConvertTo-VaultEntry $Name $Secret   # over an existing secret: a new version, as the service keeps
        $store.Remove($Name)
        $store[$Name] = $entry
        Write-VaultStore $path $store
        Add-VaultHistory $path $Name $entry
    }
}

function Remove-Secret {
    param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters)
    Assert-SecretName $Name
    $path = $AdditionalParameters.Path
    Use-VaultFileLock $path {
        $store = Read-VaultStore $path
        if (-not $store.ContainsKey($Name)) { Write-Error "KeyVaultLikeVault: Secret not found: $Name" -ErrorId 'KeyVaultLikeRemoveSecretFailed' -Category ObjectNotFound -TargetObject $Name; return }
        # Soft delete: the name is recorded as deleted (with when) before it leaves the store.
        $deleted = Read-DeletedNames $path
        $deleted[$Name] = @{ DeletedDate = [DateTime]::UtcNow.ToString('o') }
        Write-DeletedNames $path $deleted
        $store.Remove($Name)
        Write-VaultStore $path $store
        Add-VaultHistory $path $Name $null
    }
}

function Get-SecretInfo {
    param([string] $Filter, [string] $VaultName, [hashtable] $AdditionalParameters)
    Get-VaultStoreInfo (Read-VaultStore $AdditionalParameters.Path) $Filter $VaultName $false
}

function Test-SecretVault {
    param([string] $VaultName, [hashtable] $AdditionalParameters)
    Test-Path (Split-Path $AdditionalParameters.Path)
}
