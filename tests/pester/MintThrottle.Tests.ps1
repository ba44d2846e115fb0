# New-PplxToken -ThrottleLimit: mints overlap up to the limit (the emulator counts the requests it handles at once),
# keys come out in the input order, each name is minted once, stores into a vault stay one at a time on the pipeline
# thread, and a name that fails fails alone. Speed itself is measured in bench/, not here.

BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator

    function Get-MintedKey([string] $Like) {
        @(Invoke-PplxEmulator $emu GET keys | Where-Object name -Like $Like)
    }
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'New-PplxToken -ThrottleLimit' {
    BeforeEach {
        $prod, $flaky = Initialize-PplxTestWorld $emu
        # Each answer takes a while, so that mints that may overlap do.
        $null = Invoke-PplxEmulator $emu POST config @{ latencyMs = 200 }
        $null = Invoke-PplxEmulator $emu DELETE inflight/peak
    }

    AfterEach {
        $null = Invoke-PplxEmulator $emu POST config @{ latencyMs = 0 }
    }

    It 'mints up to <Limit> keys at once, one per name, and writes them in the input order' -ForEach @(
        @{ Limit = 1 }
        @{ Limit = 4 }
    ) {
        $names = 1..10 | ForEach-Object { "mint-$_" }

        $tokens = $names | New-PplxToken -ThrottleLimit $Limit

        (Invoke-PplxEmulator $emu GET inflight/peak).'/generate_auth_token' | Should -Be $Limit -Because "up to $Limit mints overlap, and with 10 names at 200 ms each they do"
        $tokens.Name | Should -Be $names
        $minted = Get-MintedKey 'mint-*'
        $minted.Count | Should -Be 10 -Because 'each name is minted once'
        @($minted.name | Sort-Object -Unique).Count | Should -Be 10
        @($tokens.Fingerprint) | Should -Be @($names | ForEach-Object { $n = $_; ($minted | Where-Object name -EQ $n).fingerprint })
    }

    It 'stores each key in its own secret with -Vault, mints overlapping, keys in the input order' {
        $rows = 1..6 | ForEach-Object { [pscustomobject]@{ TokenName = "stored-$_"; SecretName = "pplx-stored-$_" } }

        $tokens = $rows | New-PplxToken -Vault Prod -ThrottleLimit 3

        (Invoke-PplxEmulator $emu GET inflight/peak).'/generate_auth_token' | Should -Be 3
        $tokens.Name | Should -Be $rows.TokenName
        foreach ($i in 0..5) {
            (Get-Secret -Vault Prod -Name $rows[$i].SecretName | Get-PlainText) | Should -Be ($tokens[$i].Key | Get-PlainText)
            (Get-SecretInfo -Vault Prod -Name $rows[$i].SecretName).Metadata['PplxFingerprint'] | Should -Be $tokens[$i].Fingerprint
        }
        (Get-MintedKey 'stored-*').Count | Should -Be 6
    }

    It 'mints names for one secret one after another, so the second finds the first key stored and mints nothing' {
        $rows = 'first', 'second' | ForEach-Object { [pscustomobject]@{ TokenName = "same-$_"; SecretName = 'pplx-same' } }

        $tokens = $rows | New-PplxToken -Vault Prod -ThrottleLimit 4 -ErrorVariable err -ErrorAction SilentlyContinue

        @($tokens).Count | Should -Be 1
        $tokens.Name | Should -Be 'same-first'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -Be 'SecretExists,PerplexityKeys.Commands.NewPplxTokenCommand'
        (Get-Secret -Vault Prod -Name pplx-same | Get-PlainText) | Should -Be ($tokens.Key | Get-PlainText)
        (Get-MintedKey 'same-*').name | Should -Be 'same-first' -Because 'the second name was refused before its mint'
    }

    It 'fails a name whose store fails alone: its key is revoked, the others are stored, in the input order' {
        $rows = 1..5 | ForEach-Object { [pscustomobject]@{ TokenName = "flaky-$_"; SecretName = "pplx-flaky-$_" } }
        Set-PplxTestVaultFault -Vault $flaky -FailNextSet 'pplx-flaky-3'

        $tokens = $rows | New-PplxToken -Vault Flaky -ThrottleLimit 3 -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $tokens.Name | Should -Be 'flaky-1', 'flaky-2', 'flaky-4', 'flaky-5'
        $err.Count | Should -Be 1
        $err[0].TargetObject | Should -Be 'flaky-3'
        $failed = Get-MintedKey 'flaky-3'
        $failed.Count | Should -Be 1 -Because 'the failing name was minted once, not retried'
        $failed[0].revoked | Should -BeTrue -Because 'the secret did not hold it when read back: positive evidence it was not stored'
        foreach ($t in $tokens) {
            (Get-Secret -Vault Flaky -Name ($rows | Where-Object TokenName -EQ $t.Name).SecretName | Get-PlainText) | Should -Be ($t.Key | Get-PlainText)
            (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeFalse
        }
    }

    It 'stops every mint in flight at Ctrl+C instead of waiting for them' {
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Delay'; delayMs = 600000; path = '/generate_auth_token'; count = 100 }
        # Stop the pipeline once the emulator handles four mints at once.
        $stopped = Stop-PplxPipelineWhen -Script 'param($m) Import-Module $m; 1..8 | ForEach-Object { "stopped-$_" } | New-PplxToken -ThrottleLimit 4 -TimeoutSec 3600' -ArgumentList $env:PPLX_TEST_MODULE -Until { (Invoke-PplxEmulator $emu GET inflight).'/generate_auth_token' -ge 4 }

        $stopped.Before | Should -Be 'Running'
        $stopped.After | Should -Be 'Stopped'
        $stopped.Stop.TotalSeconds | Should -BeLessThan 10 -Because 'the four mints in flight are cancelled, not waited for'
        (Invoke-PplxEmulator $emu GET inflight/peak).'/generate_auth_token' | Should -Be 4 -Because 'no fifth mint started'
    }

    It 'revokes the keys minted but not yet handed on when Ctrl+C stops the command, and audits the mint left in flight' {
        # The first name's mint hangs (the names after it are piped in once the API holds it); the next two are minted
        # and wait to be handed on in input order.
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Delay'; delayMs = 600000; path = '/generate_auth_token'; count = 1 }
        $log = Join-Path $env:PPLX_TEST_WORK 'stopped.jsonl'
        $script = 'param($m, $log, $inflight) Import-Module $m; & { "held-1"; while ((Invoke-RestMethod $inflight).''/generate_auth_token'' -lt 1) { [Threading.Thread]::Sleep(20) }; "held-2"; "held-3" } | New-PplxToken -ThrottleLimit 3 -TimeoutSec 3600 -AuditLog $log'
        $stopped = Stop-PplxPipelineWhen -Script $script -ArgumentList $env:PPLX_TEST_MODULE, $log, ($emu.Control + 'inflight') -Until { (Get-MintedKey 'held-*').Count -ge 2 -and (Invoke-PplxEmulator $emu GET inflight).'/generate_auth_token' -eq 1 }

        $stopped.After | Should -Be 'Stopped'
        $held = Get-MintedKey 'held-*'
        @($held.name | Sort-Object) | Should -Be 'held-2', 'held-3' -Because 'the first mint was still held by the API'
        foreach ($key in $held) { $key.revoked | Should -BeTrue -Because "$($key.name) was minted and never handed on: nobody holds it" }
        $audit = @(Get-Content $log | ConvertFrom-Json)
        @($audit | Where-Object { $_.step -eq 'Revoke' -and $_.outcome -eq 'Done' }).oldFingerprint | Sort-Object | Should -Be (@($held.fingerprint) | Sort-Object)
        ($audit | Where-Object { $_.step -eq 'Mint' -and $_.outcome -eq 'Stopped' }).message | Should -BeLike "*'held-1'*portal*" -Because 'the mint in flight may have minted a key: its name is how to find it'
    }

    It 'revokes a key whose answer was arriving when Ctrl+C came, instead of losing it' {
        # One name, no -ThrottleLimit: the API sends the answer's headers at once and its body 3 s later; the stop comes
        # in between. The answer is read to its end, and the key, never written out, is revoked.
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'DelayBody'; delayMs = 3000; path = '/generate_auth_token'; count = 1 }
        $log = Join-Path $env:PPLX_TEST_WORK 'arriving.jsonl'
        $stopped = Stop-PplxPipelineWhen -Script 'param($m, $log) Import-Module $m; New-PplxToken -TokenName arriving-1 -AuditLog $log' -ArgumentList $env:PPLX_TEST_MODULE, $log -Until { (Get-MintedKey 'arriving-*').Count -ge 1 }

        $stopped.After | Should -Be 'Stopped'
        $key = @(Get-MintedKey 'arriving-*')
        $key.Count | Should -Be 1
        $key[0].revoked | Should -BeTrue -Because 'the key was in hand and never written out: nobody holds it'
        $audit = @(Get-Content $log | ConvertFrom-Json)
        ($audit | Where-Object { $_.step -eq 'Revoke' -and $_.outcome -eq 'Done' }).oldFingerprint | Should -Be $key[0].fingerprint
    }

    It 'revokes a minted key that waits to be handed on while the command upstream runs when Ctrl+C comes' {
        # The pipeline thread is upstream (a slow producer), not in New-PplxToken, when the stop comes.
        $log = Join-Path $env:PPLX_TEST_WORK 'upstream.jsonl'
        $stopped = Stop-PplxPipelineWhen -Script 'param($m, $log) Import-Module $m; & { "upstream-1"; Start-Sleep -Seconds 600; "upstream-2" } | New-PplxToken -ThrottleLimit 2 -AuditLog $log' -ArgumentList $env:PPLX_TEST_MODULE, $log -Until { (Get-MintedKey 'upstream-*').Count -ge 1 -and -not (Invoke-PplxEmulator $emu GET inflight).'/generate_auth_token' }

        $stopped.After | Should -Be 'Stopped'
        $key = @(Get-MintedKey 'upstream-*')
        $key.name | Should -Be 'upstream-1'
        $key[0].revoked | Should -BeTrue -Because 'it was minted and never handed on: nobody holds it'
        $audit = @(Get-Content $log | ConvertFrom-Json)
        ($audit | Where-Object { $_.step -eq 'Revoke' -and $_.outcome -eq 'Done' }).oldFingerprint | Should -Be $key[0].fingerprint
    }

    It 'refuses a limit outside 1 to 64 before minting anything' {
        { 'x' | New-PplxToken -ThrottleLimit 65 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PerplexityKeys.Commands.NewPplxTokenCommand'
        Get-MintedKey 'x' | Should -BeNullOrEmpty
    }
}
