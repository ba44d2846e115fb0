# File-backed storage shared by the test extension vaults (dot-sourced; tests only).
# One JSON file per vault; writes are atomic (temp file + rename) so other processes never see half a file.

function Read-VaultStore([string] $Path) {
    if (-not (Test-Path $Path)) { return @{} }
    $raw = Get-Content -Raw $Path
    if (-not $raw) { return @{} }
    $data = $raw | ConvertFrom-Json -AsHashtable
    $store = [System.Collections.Hashtable]::new([System.StringComparer]::OrdinalIgnoreCase)
    foreach ($k in $data.Keys) { $store[$k] = $data[$k] }
    $store
}

function Write-VaultStore([string] $Path, [hashtable] $Store) {
    $tmp = "$Path.$PID.$([guid]::NewGuid().ToString('N')).tmp"
    $Store | ConvertTo-Json -Depth 8 | Set-Content -Path $tmp
    [System.IO.File]::Move($tmp, $Path, $true)   # a rename; Move-Item -Force deletes first, so readers could find no file
}

function ConvertTo-VaultEntry([string] $Name, $Secret) {
    $Secret = $Secret.psobject.BaseObject
    $plain = { param($s) [System.Net.NetworkCredential]::new('', $s).Password }
    # An if-chain, not switch: switch would enumerate a byte[].
    if ($Secret -is [string]) { return @{ Name = $Name; Type = 'String'; Value = $Secret } }
    if ($Secret -is [securestring]) { return @{ Name = $Name; Type = 'SecureString'; Value = (& $plain $Secret) } }
    if ($Secret -is [pscredential]) { return @{ Name = $Name; Type = 'PSCredential'; UserName = $Secret.UserName; Value = (& $plain $Secret.Password) } }
    if ($Secret -is [byte[]]) { return @{ Name = $Name; Type = 'ByteArray'; Value = [Convert]::ToBase64String($Secret) } }
    if ($Secret -is [hashtable]) {
        $h = @{}
        foreach ($e in $Secret.GetEnumerator()) { $h[$e.Key] = if ($e.Value -is [securestring]) { & $plain $e.Value } else { [string]$e.Value } }
        return @{ Name = $Name; Type = 'Hashtable'; Value = $h }
    }
    throw [System.InvalidOperationException]::new('Invalid type. Types supported: byte[], string, SecureString, PSCredential, Hashtable')
}

function ConvertFrom-VaultEntry($Entry) {
    switch ($Entry.Type) {
        'String' { return [string]$Entry.Value }
        'SecureString' { return ConvertTo-SecureString -String $Entry.Value -AsPlainText -Force }
        'PSCredential' { return [pscredential]::new($Entry.UserName, (ConvertTo-SecureString -String $Entry.Value -AsPlainText -Force)) }
        'ByteArray' { return , [Convert]::FromBase64String($Entry.Value) }
        'Hashtable' { $h = @{}; foreach ($k in $Entry.Value.Keys) { $h[$k] = $Entry.Value[$k] }; return $h }
    }
}

function Get-VaultStoreInfo([hashtable] $Store, [string] $Filter, [string] $VaultName, [bool] $WithMetadata) {
    if (-not $Filter) { $Filter = '*' }
    foreach ($entry in $Store.Values) {
        if ($entry.Name -like $Filter) {
            $type = [Microsoft.PowerShell.SecretManagement.SecretType]$entry.Type
            if ($WithMetadata) {
                $md = @{}; if ($entry.Metadata) { foreach ($k in $entry.Metadata.Keys) { $md[$k] = $entry.Metadata[$k] } }
                [Microsoft.PowerShell.SecretManagement.SecretInformation]::new($entry.Name, $type, $VaultName, [hashtable]$md)
            }
            else {
                [Microsoft.PowerShell.SecretManagement.SecretInformation]::new($entry.Name, $type, $VaultName)
            }
        }
    }
}

function Add-VaultHistory([string] $Path, [string] $Name, $Entry) {
    # One line per write or removal: when, which secret, and the fingerprint tail of a key value.
    # The chaos campaign reads it to prove no key was revoked while it was a secret's value.
    $tail = if ($Entry -and $Entry.Value -is [string] -and $Entry.Value.StartsWith('pplx-')) { $Entry.Value.Substring($Entry.Value.Length - 4) } else { '' }
    $line = @{ t = [DateTime]::UtcNow.ToString('o'); name = $Name; tail = $tail } | ConvertTo-Json -Compress
    [System.IO.File]::AppendAllText("$Path.history.jsonl", $line + [Environment]::NewLine)
}
