# A SecretManagement extension vault WITHOUT metadata support (no Metadata parameter on
# Set-Secret, no Set-SecretInfo) whose operations fail on demand. Faults live in
# "<VaultParameters.Path>.faults.json" so any process can queue them:
#   FailNextSet  : names whose next Set-Secret fails
#   StaleNextGet : names whose next Get-Secret returns the value before the last Set
#   StaleAfterSet: names whose next Set-Secret queues StaleNextGet (a read-back that comes back stale)
#   HangOnSet    : names whose next Set-Secret writes "<Path>.hanging" and hangs until "<Path>.release" appears, then
#                  writes (a late write, as a hung vault call that SecretManagement cannot stop makes when it returns)
#   Locked       : $true = every operation throws PasswordRequiredException (Unlock-SecretVault 'letmein' clears it)
#   Prompt       : $true = every operation stops the pipeline (PipelineStoppedException), as SecretStore's password
#                  prompt does when the store is locked and stdin is closed (Unlock-SecretVault 'letmein' clears it)
#   Broken       : a reason: every operation throws it (a vault's own failure, which SecretManagement wraps)
# Tests only: it stores secrets in clear text.
. (Join-Path $PSScriptRoot '../../Common/VaultStore.ps1')

function Get-Faults([string] $Path) {
    $file = "$Path.faults.json"
    if (Test-Path $file) { Get-Content -Raw $file | ConvertFrom-Json -AsHashtable } else { @{} }
}

function Set-Faults([string] $Path, [hashtable] $Faults) {
    $tmp = "$Path.faults.$PID.tmp"
    $Faults | ConvertTo-Json -Depth 4 | Set-Content $tmp
    [System.IO.File]::Move($tmp, "$Path.faults.json", $true)
}

function Use-Fault([string] $Path, [string] $Kind, [string] $Name) {
    # True when a fault of this kind is queued for the name; spends it.
    $faults = Get-Faults $Path
    if ($faults.Prompt) { throw [System.Management.Automation.PipelineStoppedException]::new() }
    if ($faults.Broken) { throw [System.IO.IOException]::new($faults.Broken) }
    if ($faults.Locked) { throw [Microsoft.PowerShell.SecretManagement.PasswordRequiredException]::new('A valid password is required to access the FlakyVault vault.') }
    $names = @($faults[$Kind])
    $hit = $names | Where-Object { $_ -eq $Name } | Select-Object -First 1
    if (-not $hit) { return $false }
    $faults[$Kind] = @($names | Where-Object { $_ -ne $Name })
    Set-Faults $Path $faults
    $true
}

function Get-Secret {
    param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters)
    $path = $AdditionalParameters.Path
    $stale = Use-Fault $path 'StaleNextGet' $Name
    $entry = (Read-VaultStore $path)[$Name]
    if ($stale -and $entry) { $entry = $entry.Previous }
    if ($entry) { $value = ConvertFrom-VaultEntry $entry; , $value }
}

function Set-Secret {
    param([string] $Name, [object] $Secret, [string] $VaultName, [hashtable] $AdditionalParameters)
    $path = $AdditionalParameters.Path
    if (Use-Fault $path 'FailNextSet' $Name) { throw "FlakyVault refused to write '$Name' (injected fault)." }
    if (Use-Fault $path 'HangOnSet' $Name) {
        Set-Content "$path.hanging" $Name
        while (-not (Test-Path "$path.release")) { Start-Sleep -Milliseconds 50 }
        Remove-Item "$path.release", "$path.hanging" -ErrorAction Ignore
    }
    if (Use-Fault $path 'StaleAfterSet' $Name) {
        $faults = Get-Faults $path
        $faults.StaleNextGet = @($faults.StaleNextGet) + $Name
        Set-Faults $path $faults
    }
    $store = Read-VaultStore $path
    $entry = ConvertTo-VaultEntry $Name $Secret
    if ($store.ContainsKey($Name)) { $old = $store[$Name]; $old.Remove('Previous'); $entry.Previous = $old }
    $store[$Name] = $entry
    Write-VaultStore $path $store
    Add-VaultHistory $path $Name $entry
}

function Remove-Secret {
    param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters)
    $null = Use-Fault $AdditionalParameters.Path 'none' $Name
    $store = Read-VaultStore $AdditionalParameters.Path
    if (-not $store.ContainsKey($Name)) { Write-Error "FlakyVault: no secret named $Name"; return }
    $store.Remove($Name)
    Write-VaultStore $AdditionalParameters.Path $store
    Add-VaultHistory $AdditionalParameters.Path $Name $null
}

function Get-SecretInfo {
    param([string] $Filter, [string] $VaultName, [hashtable] $AdditionalParameters)
    $null = Use-Fault $AdditionalParameters.Path 'none' ''
    Get-VaultStoreInfo (Read-VaultStore $AdditionalParameters.Path) $Filter $VaultName $false
}

function Test-SecretVault {
    param([string] $VaultName, [hashtable] $AdditionalParameters)
    $faults = Get-Faults $AdditionalParameters.Path
    if ($faults.Broken) { throw [System.IO.IOException]::new($faults.Broken) }
    -not $faults.Locked
}

function Unlock-SecretVault {
    param([securestring] $Password, [string] $VaultName, [hashtable] $AdditionalParameters)
    if ([System.Net.NetworkCredential]::new('', $Password).Password -ne 'letmein') { throw [System.Security.Authentication.AuthenticationException]::new('FlakyVault unlock failed: wrong password.') }
    $faults = Get-Faults $AdditionalParameters.Path
    $faults.Locked = $false
    $faults.Prompt = $false
    Set-Faults $AdditionalParameters.Path $faults
}
