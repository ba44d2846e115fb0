<#
.SYNOPSIS
    A seeded, repeatable chaos campaign: rotations with faults injected at random points, and the
    guarantees of shared/rotation.md checked after every one.
.DESCRIPTION
    Each rotation draws one fault (or none) from the seed: HTTP 429 with Retry-After, 500/502/503,
    slow answers past the timeout, connection resets, HTML and non-JSON bodies, a mint whose answer
    is lost, a revoke that fails or is answered 200 without effect, a probe refused with 401 (a new
    key not yet propagated), GET /v1/models answered 403 chat_completions_not_available (a retired
    path), 404 or an HTML page,
    vault writes that fail, stale read-backs, a locked vault, and a pwsh process killed mid-run.
    After the fault, the same command is run again until the rotation settles.
    Checked after every rotation: the secret's current key works; no sibling is left; the old key
    is revoked when the rotation is done (and still current when it rolled back); every key
    minted for the secret is current, revoked, or reported as a possible orphan by name. At the end:
    no key was ever revoked while it was a secret's value (from the vaults' write history and the
    emulator's revocation times). Prints a table and one line:
        chaos: <N> rotations, <V> violations, <O> reported orphans, <R> resumes, <B> rollbacks
    Returns a summary object. Needs the laid-out module and testkit/ (./build.ps1 Build).
#>
param(
    [int] $Rotations = 1000,
    [int] $Seed = 7,
    [int] $Secrets = 8
)

# build.ps1 runs under strict mode; this script reads properties that may be absent on purpose.
Set-StrictMode -Off
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../testkit/PplxTestSupport.psm1')
$saved = Enter-PplxTestEnvironment

$faultKinds = 'none', 'none', 'http429', 'http500', 'http502', 'http503', 'slow', 'reset', 'nonJson', 'lostMint', 'revokeFails', 'revokeIgnored', 'probe401', 'models403Retired', 'models404', 'modelsHtml', 'twoProcesses', 'twoMachines', 'vaultWriteFails', 'staleRead', 'locked', 'kill'
$paths = '/generate_auth_token', '/v1/models', '/revoke_auth_token'
$retiredBody = '{"error":{"message":"Sonar is now the Agent API. Use /v1/responses instead.","type":"chat_completions_not_available","code":403}}'
$password = ConvertTo-SecureString 'letmein' -AsPlainText -Force
$rng = [System.Random]::new($Seed)
$stats = [ordered]@{ Rotations = 0; Done = 0; Resumes = 0; Rollbacks = 0; Kills = 0; Orphans = 0; Violations = 0 }
$faultCounts = [ordered]@{}
$violations = [System.Collections.Generic.List[string]]::new()
# What the two processes of each concurrent rotation reported (state, steps with fingerprints, orphans, errors): printed
# for the rotation where a violation's key first appears, to tell which interleaving left it.
$concurrentRuns = [System.Collections.Generic.List[string]]::new()
$started = [System.Diagnostics.Stopwatch]::StartNew()
$emu = Start-PplxEmulator

function Add-Violation([string] $Text) { $violations.Add($Text); $stats.Violations++ }

function Clear-Faults($Secret) {
    $null = Invoke-PplxEmulator $emu DELETE faults
    if ($Secret.Vault.Kind -eq 'Flaky') { Set-PplxTestVaultFault $Secret.Vault }
}

function Invoke-Rotation($Secret, [switch] $Unlock) {
    $params = @{ Vault = $Secret.Vault.Name; SecretName = $Secret.Name; Force = $true; TimeoutSec = 4; ErrorAction = 'SilentlyContinue'; WarningAction = 'SilentlyContinue' }
    if ($Unlock -and $Secret.Vault.Kind -eq 'Flaky') { $params.VaultPassword = $password }
    $result = Invoke-PplxRotation @params
    foreach ($o in @($result.PossibleOrphans)) { if ($o) { $null = $Secret.Orphans.Add($o) } }
    $result
}

function Invoke-Concurrent($Secret, [string] $Kind) {
    # twoProcesses: this secret and another of the same vault rotated by two processes at once (SecretStore's
    # whole-file rewrites from per-process caches). twoMachines: this secret rotated by two processes that stand
    # for two machines (separate lock folders, so nothing on one "machine" keeps the other out).
    $others = @($secretsList | Where-Object { $_.Vault.Name -eq $Secret.Vault.Name -and $_.Name -ne $Secret.Name })
    $pair = if ($Kind -eq 'twoProcesses' -and $others) { @($Secret, $others[$rng.Next($others.Count)]) } else { @($Secret, $Secret) }
    if ($pair[1] -ne $Secret) { $pair[1] | Add-Member -Force -NotePropertyName OldBefore -NotePropertyValue (Test-PplxToken -Vault $pair[1].Vault.Name -SecretName $pair[1].Name).Fingerprint }
    $go = Join-Path $env:PPLX_TEST_WORK "go-$([guid]::NewGuid().ToString('N'))"
    $children = for ($c = 0; $c -lt 2; $c++) {
        $saved = $env:PERPLEXITYKEYS_LOCK_DIRECTORY
        if ($Kind -eq 'twoMachines' -and $c -eq 1) { $env:PERPLEXITYKEYS_LOCK_DIRECTORY = Join-Path $env:PPLX_TEST_WORK 'other-machine-locks' }
        try { Start-PplxChildScript 'Invoke-TestRotation.ps1' @('-Vault', $pair[$c].Vault.Name, '-SecretName', $pair[$c].Name, '-GoFile', $go, '-ResultFile', "$go.$c.results") }
        finally { $env:PERPLEXITYKEYS_LOCK_DIRECTORY = $saved }
    }
    Wait-PplxCondition -TimeoutSeconds 120 -Because 'both processes to be ready' { @(Get-ChildItem "$go.*.ready" -ErrorAction Ignore).Count -eq 2 -or @($children | Where-Object HasExited).Count -gt 0 }
    Set-Content $go 'go'
    foreach ($child in $children) { if (-not $child.WaitForExit(300000)) { $child.Kill($true) } }
    for ($c = 0; $c -lt 2; $c++) {
        foreach ($line in @(Get-Content "$go.$c.results" -ErrorAction Ignore)) {
            foreach ($o in @(($line | ConvertFrom-Json).orphans)) { if ($o) { $null = $pair[$c].Orphans.Add($o) } }
            $concurrentRuns.Add("rotation $script:rotationNumber, process $c ($($pair[$c].Name)): $line")
        }
    }
    $script:lastOtherProcessWrite = [DateTime]::UtcNow
    $pair[1]
}

function Wait-CacheWindow($Secret) {
    # A store cached per process shows this process another process's writes only after its window: the checks
    # below read the vault, so they wait that long after the last write by a child process (bounded by the window).
    if ($Secret.Vault.Kind -eq 'Store') {
        Wait-PplxCondition -TimeoutSeconds 30 -Because 'the store''s cache window' { ([DateTime]::UtcNow - $script:lastOtherProcessWrite).TotalSeconds -gt $storeCacheSeconds + 1 }
    }
}

function Complete-Rotation($Secret, [string] $Old, $Result, [int] $Number, [string] $Kind) {
    $tries = 0
    while (-not $Result -or $Result.State -notin 'Done', 'RolledBack') {
        if (++$tries -gt 4) { Add-Violation "rotation $Number ($($Secret.Name), $Kind): did not settle, state $($Result.State)"; break }
        $stats.Resumes++
        $Result = Invoke-Rotation $Secret -Unlock
    }
    if ($Result.State -eq 'RolledBack') { $stats.Rollbacks++ } elseif ($Result.State -eq 'Done') { $stats.Done++ }

    # The guarantees, from the emulator's key list and the vault.
    $current = Test-PplxToken -Vault $Secret.Vault.Name -SecretName $Secret.Name -ErrorAction SilentlyContinue -ErrorVariable checkFailed
    if ($checkFailed) {
        # The check itself could not read the vault: a violation of its own, with what the session looked like.
        Add-Violation "rotation $Number ($($Secret.Name), $Kind): the check could not read the secret: $($checkFailed[0].FullyQualifiedErrorId): $($checkFailed[0].Exception.Message) [runspaces $(@(Get-Runspace).Count); SecretManagement loaded from $((Get-Module Microsoft.PowerShell.SecretManagement).Path)]"
        return
    }
    if ($current.Status -ne 'Valid') { Add-Violation "rotation $Number ($($Secret.Name), $Kind): the current key is $($current.Status)" }
    $left = @(Get-PplxLiveHelper $Secret.Vault.Name $Secret.Name)
    if ($left) { Add-Violation "rotation $Number ($($Secret.Name), $Kind): siblings left: $($left -join ', ')" }
    $keys = @(Invoke-PplxEmulator $emu GET keys)
    $oldKey = $keys | Where-Object fingerprint -EQ $Old
    if ($Result.State -eq 'Done' -and -not $oldKey.revoked) { Add-Violation "rotation $Number ($($Secret.Name), $Kind): the old key $Old is not revoked" }
    if ($Result.State -eq 'RolledBack' -and $current.Fingerprint -ne $Old -and $Kind -notin 'twoProcesses', 'twoMachines') { Add-Violation "rotation $Number ($($Secret.Name), $Kind): rolled back but the current key changed" }
    $live = @($keys | Where-Object { -not $_.revoked -and ($_.name -like "$($Secret.Vault.Name)/$($Secret.Name)/*" -or $_.name -eq "seed/$($Secret.Name)") })
    foreach ($k in $live) {
        if ($k.fingerprint -ne $current.Fingerprint -and -not $Secret.Orphans.Contains($k.name)) {
            Add-Violation "rotation $Number ($($Secret.Name), $Kind): $($k.fingerprint) ($($k.name)) is live, not current and not reported"
        }
    }
}

function Invoke-Kill($Secret, [string] $Path) {
    $flaky = $Secret.Vault.Kind -eq 'Flaky'
    if ($flaky) {
        $hang = @($Secret.Name, "$($Secret.Name)-pplx-pending", "$($Secret.Name)-pplx-previous", "$($Secret.Name)-pplx-journal")[$rng.Next(4)]
        Set-PplxTestVaultFault $Secret.Vault -HangOnSet $hang
    }
    else {
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Delay'; delayMs = 600000; path = $Path }
    }
    $child = Start-PplxChildScript 'Invoke-TestRotation.ps1' @('-Vault', $Secret.Vault.Name, '-SecretName', $Secret.Name)
    $script:lastOtherProcessWrite = [DateTime]::UtcNow
    try {
        # A child may finish or fail before reaching the fault (e.g. a revoke path on a rotation that rolls back).
        Wait-PplxCondition -TimeoutSeconds 60 -Because 'the child to reach the fault' {
            $child.HasExited -or $(if ($flaky) { Test-Path "$($Secret.Vault.Path).hanging" } else { (Invoke-PplxEmulator $emu GET inflight).$Path })
        }
    }
    finally {
        if (-not $child.HasExited) { $child.Kill($true); $stats.Kills++ }
        $child.WaitForExit()
        $script:lastOtherProcessWrite = [DateTime]::UtcNow
        Remove-Item "$($Secret.Vault.Path).hanging" -ErrorAction Ignore
    }
}

try {
    $env:PERPLEXITY_BASE_URL = $emu.BaseUri
    $env:PERPLEXITY_API_KEY = $null
    $null = Use-PplxTestRegistry
    $storeCacheSeconds = 1
    $script:lastOtherProcessWrite = [DateTime]::MinValue
    $vaults = @(
        (New-PplxTestVault -Kind File -Name ChaosFile),
        (New-PplxTestVault -Kind Flaky -Name ChaosFlaky),
        (New-PplxTestVault -Kind Store -Name ChaosStore -CacheSeconds $storeCacheSeconds),
        (New-PplxTestVault -Kind KeyVault -Name ChaosKeyVault))
    $secretsList = foreach ($i in 1..$Secrets) {
        $vault = $vaults[$i % $vaults.Count]
        $null = New-PplxToken -ApiKey $emu.AdminKey -TokenName "seed/svc$i" -Vault $vault.Name -SecretName "svc$i"
        [pscustomobject]@{ Name = "svc$i"; Vault = $vault; Orphans = [System.Collections.Generic.HashSet[string]]::new() }
    }

    for ($i = 1; $i -le $Rotations; $i++) {
        $script:rotationNumber = $i
        $secret = $secretsList[$rng.Next($secretsList.Count)]
        $kind = $faultKinds[$rng.Next($faultKinds.Count)]
        $path = $paths[$rng.Next($paths.Count)]
        if ($secret.Vault.Kind -ne 'Flaky' -and $kind -in 'vaultWriteFails', 'staleRead', 'locked') { $kind = 'none' }
        # Two processes on one store where per-process caches bite; two machines where one vault is shared (File, Key Vault).
        if ($kind -eq 'twoProcesses' -and $secret.Vault.Kind -ne 'Store') { $kind = 'none' }
        if ($kind -eq 'twoMachines' -and $secret.Vault.Kind -notin 'File', 'KeyVault') { $kind = 'none' }
        Wait-CacheWindow $secret
        $faultCounts[$kind] = 1 + [int]$faultCounts[$kind]
        $before = Test-PplxToken -Vault $secret.Vault.Name -SecretName $secret.Name -ErrorAction SilentlyContinue -ErrorVariable readFailed
        $stats.Rotations++
        if ($readFailed) {
            Add-Violation "rotation $($stats.Rotations) ($($secret.Name)): the secret could not be read before the rotation: $($readFailed[0].FullyQualifiedErrorId): $($readFailed[0].Exception.Message)"
            continue
        }
        $old = $before.Fingerprint

        switch ($kind) {
            'http429' { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 429; retryAfterSeconds = 1; path = $path } }
            { $_ -in 'http500', 'http502', 'http503' } { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = [int]$_.Substring(4); path = $path } }
            'slow' { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Delay'; delayMs = 9000; path = $path } }
            'reset' { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Reset'; path = $path } }
            'nonJson' { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 200; body = '<html><body>proxy</body></html>'; contentType = 'text/html'; path = $path } }
            'lostMint' { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'LoseResponse'; path = '/generate_auth_token' } }
            'revokeFails' { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 500; count = 3; path = '/revoke_auth_token' } }
            'revokeIgnored' { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 200; body = 'OK'; contentType = 'text/plain'; path = '/revoke_auth_token' } }
            'probe401' { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 401; html = ($rng.Next(2) -eq 0); path = '/v1/models' } }
            'models403Retired' { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 403; body = $retiredBody; count = 1 + $rng.Next(4); path = '/v1/models' } }
            'models404' { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 404; count = 1 + $rng.Next(4); path = '/v1/models' } }
            'modelsHtml' { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = (200, 401, 502)[$rng.Next(3)]; html = $true; count = 1 + $rng.Next(3); path = '/v1/models' } }
            'vaultWriteFails' { Set-PplxTestVaultFault $secret.Vault -FailNextSet (@($secret.Name, "$($secret.Name)-pplx-pending", "$($secret.Name)-pplx-previous", "$($secret.Name)-pplx-journal")[$rng.Next(4)]) }
            'staleRead' { Set-PplxTestVaultFault $secret.Vault -StaleAfterSet $secret.Name }
            'locked' { Set-PplxTestVaultFault $secret.Vault -Locked }
        }

        $alsoRotated = $null
        if ($kind -eq 'kill') { Invoke-Kill $secret $path; $result = $null }
        elseif ($kind -in 'twoProcesses', 'twoMachines') {
            $alsoRotated = Invoke-Concurrent $secret $kind
            $oldOther = if ($alsoRotated -ne $secret) { $alsoRotated.OldBefore } else { $null }
            $result = $null
            Wait-CacheWindow $secret
        }
        else { $result = Invoke-Rotation $secret }

        # Settle: clear the fault and run the same command again until the rotation is over; then check.
        Clear-Faults $secret
        Complete-Rotation $secret $old $result $i $kind
        if ($alsoRotated -and $alsoRotated -ne $secret) { Wait-CacheWindow $alsoRotated; Complete-Rotation $alsoRotated $oldOther $null $i $kind }
    }

    # No key was revoked while it was a secret's value: replay the vaults' write history.
    $history = foreach ($v in $vaults) {
        if (Test-Path "$($v.Path).history.jsonl") {
            Get-Content "$($v.Path).history.jsonl" | ConvertFrom-Json | Where-Object { $_.name -in $secretsList.Name } |
                ForEach-Object { [pscustomobject]@{ Vault = $v.Name; Name = $_.name; Time = [DateTimeOffset]::Parse($_.t); Tail = $_.tail } }
        }
    }
    foreach ($k in (Invoke-PplxEmulator $emu GET keys | Where-Object revoked)) {
        $at = [DateTimeOffset]$k.revokedAt
        foreach ($group in ($history | Group-Object Vault, Name)) {
            $valueThen = $group.Group | Where-Object Time -LE $at | Sort-Object Time | Select-Object -Last 1
            if ($valueThen -and $valueThen.Tail -and ('pplx-…' + $valueThen.Tail) -eq $k.fingerprint) {
                Add-Violation "$($k.fingerprint) was revoked at $($at.ToString('o')) while it was the value of $($group.Name)"
            }
        }
    }
    $stats.Orphans = ($secretsList | ForEach-Object { $_.Orphans.Count } | Measure-Object -Sum).Sum
}
finally {
    Stop-PplxEmulator $emu
    Exit-PplxTestEnvironment $saved
}

$started.Stop()
Write-Host ''
Write-Host "Chaos campaign, seed $Seed, $Secrets secrets in four vaults (file with metadata, flaky without, SecretStore-like, Key-Vault-like)"
Write-Host ('{0,-16} {1,8}' -f 'Fault', 'Count')
foreach ($f in $faultCounts.GetEnumerator()) { Write-Host ('{0,-16} {1,8}' -f $f.Key, $f.Value) }
Write-Host ''
foreach ($s in $stats.GetEnumerator()) { Write-Host ('{0,-16} {1,8}' -f $s.Key, $s.Value) }
Write-Host ('{0,-16} {1,8:0.0} s' -f 'Wall time', $started.Elapsed.TotalSeconds)
foreach ($v in $violations) { Write-Host "VIOLATION: $v" -ForegroundColor Red }
foreach ($first in @($violations | Where-Object { $_ -match '^rotation (\d+) \(' } | Group-Object { ($_ -split ': ', 2)[1] } | ForEach-Object { $_.Group[0] })) {
    $number = [regex]::Match($first, '^rotation (\d+)').Groups[1].Value
    foreach ($run in @($concurrentRuns | Where-Object { $_ -like "rotation $number, *" })) { Write-Host "  concurrent run: $run" }
}
$line = "chaos: $($stats.Rotations) rotations, $($stats.Violations) violations, $($stats.Orphans) reported orphans, $($stats.Resumes) resumes, $($stats.Rollbacks) rollbacks"
Write-Host $line
[pscustomobject]@{ Line = $line; Stats = [pscustomobject]$stats; Faults = [pscustomobject]$faultCounts; Violations = $violations.ToArray(); WallTime = $started.Elapsed }
