# A SecretManagement extension vault that hurts a caller where Microsoft.PowerShell.SecretStore does
# (shared/secretmanagement.md §9). VaultParameters:
#   Path            the store file, shared by every process
#   CacheSeconds    the reload debounce, default 5 (SecretStore's fixed "dueTime: 5000")
#   Password        if set, the store starts locked in every process
#   PasswordTimeout seconds an unlock lasts, default 900 (SecretStore's default); -1 = for ever
#   Interaction     'Prompt' (default) or 'None': what a locked store does when called
# Each process keeps the whole store in memory and rewrites the whole file from that copy on every
# write; it reloads the file only when the file changed and the last change is CacheSeconds old.
# So two processes writing within the window lose writes, and readers see old values for a while.
# Metadata follows SecretStore: string, int and DateTime only; overwriting a secret resets it.
# Tests only: it stores secrets in clear text.
. (Join-Path $PSScriptRoot '../../Common/VaultStore.ps1')
. (Join-Path $PSScriptRoot '../../Common/MetadataRules.ps1')
. (Join-Path $PSScriptRoot '../../Common/FileLock.ps1')

function Get-StoreSettings([hashtable] $AdditionalParameters) {
    $p = $AdditionalParameters
    $interaction = if ($p.Interaction) { [string]$p.Interaction } else { 'Prompt' }
    if ($interaction -notin 'Prompt', 'None') { throw [System.ArgumentException]::new("StoreVault: Interaction must be 'Prompt' or 'None', not '$interaction'.") }
    [pscustomobject]@{
        Path            = [System.IO.Path]::GetFullPath([string]$p.Path)
        CacheSeconds    = if ($null -ne $p.CacheSeconds) { [double]$p.CacheSeconds } else { 5.0 }
        Password        = [string]$p.Password
        PasswordTimeout = if ($null -ne $p.PasswordTimeout) { [int]$p.PasswordTimeout } else { 900 }
        Interaction     = $interaction
    }
}

function Get-StoreState([string] $Path) {
    # What this process knows of one store file. It lives in the AppDomain, not in a module
    # variable: SecretManagement runs vault functions in its own runspace, and the process is
    # the unit SecretStore caches by (and unlocks by).
    $domain = [AppDomain]::CurrentDomain
    [System.Threading.Monitor]::Enter($domain)
    try {
        $all = $domain.GetData('PplxTestVaults.StoreVault')
        if (-not $all) { $all = [hashtable]::Synchronized(@{}); $domain.SetData('PplxTestVaults.StoreVault', $all) }
        if (-not $all.ContainsKey($Path)) {
            $all[$Path] = [hashtable]::Synchronized(@{ Store = $null; Stamp = $null; UnlockedUntil = [DateTime]::MinValue; EverUnlocked = $false })
        }
        $all[$Path]
    }
    finally { [System.Threading.Monitor]::Exit($domain) }
}

function Get-FileStamp([string] $Path) {
    $f = [System.IO.FileInfo]::new($Path)
    if (-not $f.Exists) { return '' }
    '{0}/{1}' -f $f.LastWriteTimeUtc.Ticks, $f.Length
}

function Import-StoreFile($State, [string] $Path) {
    # The stamp is taken before the read: a file replaced in between is then seen as changed
    # again later, never as already loaded.
    $State.Stamp = Get-FileStamp $Path
    $store = [System.Collections.Hashtable]::new([System.StringComparer]::OrdinalIgnoreCase)
    $read = Read-VaultStore $Path
    foreach ($k in $read.Keys) { $entry = $read[$k]; $entry.Metadata = ConvertFrom-StoredMetadata $entry.Metadata; $store[$k] = $entry }
    $State.Store = $store
}

function Sync-StoreCache($State, $Settings) {
    # SecretStore reloads when its FileSystemWatcher saw a change and a timer, restarted by every
    # further change, ran out. The same, checked at call time: the file differs from what this
    # process last loaded or wrote, and its last change is at least CacheSeconds old.
    if ($null -eq $State.Store) { Import-StoreFile $State $Settings.Path; return }
    $stamp = Get-FileStamp $Settings.Path
    if ($stamp -eq $State.Stamp) { return }
    $f = [System.IO.FileInfo]::new($Settings.Path)
    if ($f.Exists -and ([DateTime]::UtcNow - $f.LastWriteTimeUtc).TotalSeconds -lt $Settings.CacheSeconds) { return }
    Import-StoreFile $State $Settings.Path
}

function Get-EntryText($Entry) {
    if (-not $Entry) { return '' }
    "$($Entry.Type)|$($Entry.UserName)|" + ($Entry.Value | ConvertTo-Json -Compress -Depth 4)
}

function Save-StoreFile($State, $Settings) {
    # The whole file, from this process's copy, whatever another process wrote since.
    $path = $Settings.Path
    $tmp = "$path.$PID.$([guid]::NewGuid().ToString('N')).tmp"
    $State.Store | ConvertTo-Json -Depth 8 | Set-Content -Path $tmp
    $stamp = Get-FileStamp $tmp   # a rename keeps the write time, so this is the stamp of our own write
    # The history must say what the file holds, or the chaos replay cannot see a write lost to a
    # stale copy: every secret whose value this rewrite changed is logged, not only the one set.
    # The lock only keeps that log in step with the renames; it does not make the store safer.
    Use-VaultFileLock $path {
        $before = Read-VaultStore $path
        [System.IO.File]::Move($tmp, $path, $true)
        $names = [System.Collections.Generic.HashSet[string]]::new([System.StringComparer]::OrdinalIgnoreCase)
        foreach ($n in @($before.Keys) + @($State.Store.Keys)) { $null = $names.Add($n) }
        foreach ($n in $names) {
            if ((Get-EntryText $before[$n]) -ne (Get-EntryText $State.Store[$n])) { Add-VaultHistory $path $n $State.Store[$n] }
        }
    }
    $State.Stamp = $stamp
}

function Test-NonInteractiveProcess {
    # pwsh accepts any prefix of -NonInteractive down to -noni, with - or / (and -- too).
    foreach ($a in [Environment]::GetCommandLineArgs()) { if ($a -match '^(-{1,2}|/)noni') { return $true } }
    $false
}

function Set-StoreUnlocked($State, $Settings) {
    # The timeout runs from the unlock, not from the last use: a long operation relocks midway.
    $State.UnlockedUntil = if ($Settings.PasswordTimeout -lt 0) { [DateTime]::MaxValue } else { [DateTime]::UtcNow.AddSeconds($Settings.PasswordTimeout) }
    $State.EverUnlocked = $true
}

function Assert-StoreUnlocked($State, $Settings, [string] $VaultName) {
    if (-not $Settings.Password) { return }
    if ([DateTime]::UtcNow -lt $State.UnlockedUntil) { return }
    $message = "A valid password is required to access the StoreVault vault $VaultName.`nUse the Unlock-SecretVault cmdlet to provide the required password to access the store."
    if ($Settings.Interaction -eq 'None') { throw [Microsoft.PowerShell.SecretManagement.PasswordRequiredException]::new($message) }
    # SecretStore prompts through the host even when nobody can answer, and the text shows anyway. A console is modelled
    # as one whose stdin is closed (a scheduled task); an interactive console is not modelled.
    $prompt = "Vault $VaultName requires a password. Enter password:"
    if ($Host.Name -eq 'ConsoleHost') { [Console]::Error.WriteLine($prompt) } else { $Host.UI.Write($prompt) }
    if (Test-NonInteractiveProcess) { throw [Microsoft.PowerShell.SecretManagement.PasswordRequiredException]::new($message) }
    if ($Host.Name -ne 'ConsoleHost') {
        # A host that can answer (a terminal, an editor, an application hosting PowerShell) is asked, as SecretStore
        # asks the host SecretManagement gave its vault runspace: the first caller's (secretmanagement.md §9). A host
        # that refuses ends the pipeline as it likes (PipelineStoppedException, as a closed console does).
        $answer = $Host.UI.ReadLineAsSecureString()
        if ($answer -and [System.Net.NetworkCredential]::new('', $answer).Password -ceq $Settings.Password) {
            Set-StoreUnlocked $State $Settings
            return
        }
        throw [Microsoft.PowerShell.SecretManagement.PasswordRequiredException]::new($message)
    }
    # The console with stdin closed (a scheduled task) ends the caller's pipeline as Stopped, with no
    # error record: this is how that looks from inside a vault. It never reads a real password.
    throw [System.Management.Automation.PipelineStoppedException]::new()
}

function Enter-Store([hashtable] $AdditionalParameters, [string] $VaultName, [switch] $InfoOnly) {
    # Every call starts here: the settings, this process's state, the lock check, a fresh-enough copy.
    $settings = Get-StoreSettings $AdditionalParameters
    $state = Get-StoreState $settings.Path
    # SecretStore still lists secret infos after a timed relock (never before a first unlock).
    if (-not ($InfoOnly -and $state.EverUnlocked)) { Assert-StoreUnlocked $state $settings $VaultName }
    Sync-StoreCache $state $settings
    [pscustomobject]@{ Settings = $settings; State = $state }
}

function Get-Secret {
    param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters)
    $s = Enter-Store $AdditionalParameters $VaultName
    $entry = $s.State.Store[$Name]
    if ($entry) { $value = ConvertFrom-VaultEntry $entry; , $value }
}

function Set-Secret {
    param([string] $Name, [object] $Secret, [string] $VaultName, [hashtable] $AdditionalParameters, [hashtable] $Metadata)
    $s = Enter-Store $AdditionalParameters $VaultName
    if (-not (Test-SecretStoreMetadata $Metadata)) {
        $e = [System.Management.Automation.ItemNotFoundException]::new("Set-Secret error in vault $VaultName : StoreVault accepts secret metadata only of types: string, int, DateTime")
        Write-Error -Exception $e -ErrorId 'StoreVaultSetSecretFailed' -Category InvalidOperation -TargetObject $Name
        return
    }
    $entry = ConvertTo-VaultEntry $Name $Secret
    $entry.Metadata = @{}
    if ($Metadata) { foreach ($k in $Metadata.Keys) { $entry.Metadata[$k] = $Metadata[$k] } }   # overwrite resets metadata
    $s.State.Store.Remove($Name)
    $s.State.Store[$Name] = $entry
    Save-StoreFile $s.State $s.Settings
}

function Set-SecretInfo {
    param([string] $Name, [hashtable] $Metadata, [string] $VaultName, [hashtable] $AdditionalParameters)
    $s = Enter-Store $AdditionalParameters $VaultName
    if (-not $s.State.Store.ContainsKey($Name)) {
        $e = [System.Management.Automation.ItemNotFoundException]::new("Set-SecretInfo error in vault $VaultName : StoreVault vault cannot write metadata to $Name because the secret does not exist.")
        Write-Error -Exception $e -ErrorId 'StoreVaultSetSecretInfoFailed' -Category InvalidOperation -TargetObject $Name
        return
    }
    if (-not (Test-SecretStoreMetadata $Metadata)) {
        $e = [System.Management.Automation.ItemNotFoundException]::new("Set-SecretInfo error in vault $VaultName : StoreVault vault cannot write metadata to $Name with error message: ")
        Write-Error -Exception $e -ErrorId 'StoreVaultSetSecretInfoFailed' -Category InvalidOperation -TargetObject $Name
        return
    }
    $md = @{}
    if ($Metadata) { foreach ($k in $Metadata.Keys) { $md[$k] = $Metadata[$k] } }   # replaces, never merges
    $s.State.Store[$Name].Metadata = $md
    Save-StoreFile $s.State $s.Settings
}

function Remove-Secret {
    param([string] $Name, [string] $VaultName, [hashtable] $AdditionalParameters)
    $s = Enter-Store $AdditionalParameters $VaultName
    if (-not $s.State.Store.ContainsKey($Name)) {
        $e = [System.Management.Automation.ItemNotFoundException]::new("Remove-Secret error in vault $VaultName : Secret not found")
        Write-Error -Exception $e -ErrorId 'StoreVaultRemoveSecretFailed' -Category ObjectNotFound -TargetObject $Name
        return
    }
    $s.State.Store.Remove($Name)
    Save-StoreFile $s.State $s.Settings
}

function Get-SecretInfo {
    param([string] $Filter, [string] $VaultName, [hashtable] $AdditionalParameters)
    $s = Enter-Store $AdditionalParameters $VaultName -InfoOnly
    Get-VaultStoreInfo $s.State.Store $Filter $VaultName $true
}

function Test-SecretVault {
    param([string] $VaultName, [hashtable] $AdditionalParameters)
    $s = Enter-Store $AdditionalParameters $VaultName
    Test-Path (Split-Path $s.Settings.Path)
}

function Unlock-SecretVault {
    param([securestring] $Password, [string] $VaultName, [hashtable] $AdditionalParameters)
    $settings = Get-StoreSettings $AdditionalParameters
    $state = Get-StoreState $settings.Path
    if (-not $settings.Password) { return }   # a store without a password has nothing to unlock
    if ([System.Net.NetworkCredential]::new('', $Password).Password -cne $settings.Password) {
        $e = [System.Security.Authentication.AuthenticationException]::new('Store Vault Unlock operation failed with error: Store file integrity check failed. The password is wrong or the store file was changed.')
        Write-Error -Exception $e -ErrorId 'StoreVaultUnlockFailed' -Category AuthenticationError -TargetObject $VaultName
        return
    }
    Set-StoreUnlocked $state $settings
}
