# SecretStore's metadata rule, shared by the test vaults that keep metadata (dot-sourced; tests only):
# values may only be string, int (Int32) or DateTime; anything else is refused before anything is written.

function Test-SecretStoreMetadata([hashtable] $Metadata) {
    if (-not $Metadata) { return $true }
    foreach ($v in $Metadata.Values) {
        if (-not ($v -is [string] -or $v -is [int] -or $v -is [datetime])) { return $false }
    }
    $true
}

function ConvertFrom-StoredMetadata($Stored) {
    # What another process gets back from the store file: JSON gives Int64 for numbers and turns
    # ISO-looking strings into DateTime. SecretStore gives Int32 and DateTime (Kind Utc), so a date
    # written as a string comes back a DateTime in other processes, as the real store does.
    $md = @{}
    if (-not $Stored) { return $md }
    foreach ($k in $Stored.Keys) {
        $v = $Stored[$k]
        if ($v -is [long] -and $v -ge [int]::MinValue -and $v -le [int]::MaxValue) { $v = [int]$v }
        elseif ($v -is [datetime]) { $v = $v.ToUniversalTime() }
        $md[$k] = $v
    }
    $md
}
