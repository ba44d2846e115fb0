# -ThrottleLimit: probes overlap up to the limit (the emulator counts the requests it handles at once), results keep
# the input order, and a limit of 1 is one request at a time. Speed itself is measured in bench/, not here.

BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    $emu = Start-PplxEmulator
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'Test-PplxToken -ThrottleLimit' {
    BeforeAll {
        Reset-PplxEmulator $emu
        $env:PERPLEXITY_BASE_URL = $emu.BaseUri
        $tokens = 1..12 | ForEach-Object { "throttle-$_" } | New-PplxToken -ApiKey $emu.AdminKey
        # One key revoked, so that the order of results can be read from their statuses too.
        $tokens[5] | Revoke-PplxToken -ApiKey $emu.AdminKey -Force
        # Each answer takes a while, so that probes that may overlap do.
        $null = Invoke-PplxEmulator $emu POST config @{ latencyMs = 200 }
    }

    AfterAll {
        $null = Invoke-PplxEmulator $emu POST config @{ latencyMs = 0 }
    }

    It 'runs up to <Limit> probes at once, and keeps the input order' -ForEach @(
        @{ Limit = 1 }
        @{ Limit = 4 }
    ) {
        $null = Invoke-PplxEmulator $emu DELETE inflight/peak
        $results = $tokens | Test-PplxToken -ThrottleLimit $Limit

        $peak = (Invoke-PplxEmulator $emu GET inflight/peak).'/v1/models'
        $peak | Should -Be $Limit -Because "up to $Limit probes overlap, and with 12 keys at 200 ms each they do"
        $results.Fingerprint | Should -Be $tokens.Fingerprint
        $results[5].Status | Should -Be 'Invalid'
        @($results | Where-Object Status -EQ 'Valid').Count | Should -Be 11
    }

    It 'refuses a limit outside 1 to 64 before probing anything' {
        { $tokens | Test-PplxToken -ThrottleLimit 0 -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PerplexityKeys.Commands.TestPplxTokenCommand'
    }
}

Describe 'Invoke-PplxRotation -ThrottleLimit' {
    BeforeAll {
        Import-Module Microsoft.PowerShell.SecretManagement -Force
        function New-Secrets([string] $Vault, [int] $Count) {
            # pplx-01 … pplx-NN (Get-Names), each with a key of its own; returns the old keys in name order.
            1..$Count | ForEach-Object { New-PplxToken -ApiKey $emu.AdminKey -TokenName "throttle original $_" -Vault $Vault -SecretName ('pplx-{0:d2}' -f $_) }
        }
        function Get-Names([int] $Count) { 1..$Count | ForEach-Object { 'pplx-{0:d2}' -f $_ } }
        function Get-Batch([string] $Vault) { Get-SecretInfo -Vault $Vault -Name 'pplx-*' | Where-Object Name -NotMatch '-pplx-' | Sort-Object Name }
    }

    BeforeEach {
        $prod, $flaky = Initialize-PplxTestWorld $emu
        $env:PERPLEXITY_API_KEY = $null   # each key mints its successor, which revokes it
        $audit = Join-Path $env:PPLX_TEST_WORK 'audit.jsonl'
    }

    AfterEach {
        $null = Invoke-PplxEmulator $emu DELETE faults
    }

    It 'rotates up to <Limit> secrets at once, writes the results in input order, and leaves each with a new working key, the old one revoked' -ForEach @(
        @{ Limit = 1 }
        @{ Limit = 4 }
    ) {
        $old = New-Secrets Prod 8
        $names = Get-Names 8
        # Each answer takes a while, so that rotations that may overlap do.
        $null = Invoke-PplxEmulator $emu POST config @{ latencyMs = 150 }
        $null = Invoke-PplxEmulator $emu DELETE inflight/peak

        $results = Get-Batch Prod | Invoke-PplxRotation -ThrottleLimit $Limit -Force

        $peak = Invoke-PplxEmulator $emu GET inflight/peak
        $peak.'*' | Should -BeLessOrEqual $Limit -Because 'no more than the limit of rotations have an HTTP call in flight at once'
        if ($Limit -gt 1) { $peak.'*' | Should -BeGreaterThan 1 -Because 'rotations whose calls take 150 ms overlap' }
        $results.SecretName | Should -Be $names
        $results.State | Should -Be (@('Done') * 8)
        foreach ($i in 0..7) {
            $results[$i].OldFingerprint | Should -Be $old[$i].Fingerprint
            (Get-PplxEmulatorKey $emu $old[$i].Fingerprint).revoked | Should -BeTrue
            $now = Test-PplxToken -Vault Prod -SecretName $names[$i]
            $now.Status | Should -Be 'Valid'
            $now.Fingerprint | Should -Be $results[$i].NewFingerprint
        }
        Get-PplxLiveHelper Prod pplx-01 | Should -BeNullOrEmpty
    }

    It 'lets one failing secret fail alone, in its place, while the others rotate' {
        $old = New-Secrets Flaky 6
        $names = Get-Names 6
        Set-PplxTestVaultFault $flaky -FailNextSet 'pplx-03'   # the promotion of pplx-03's new key fails: it rolls back
        $null = Invoke-PplxEmulator $emu POST config @{ latencyMs = 100 }

        $results = Get-Batch Flaky | Invoke-PplxRotation -ThrottleLimit 3 -Force -ErrorVariable err -ErrorAction SilentlyContinue

        $results.SecretName | Should -Be $names
        $err | Should -HaveCount 1
        $err[0].TargetObject.SecretName | Should -Be 'pplx-03'
        $results[2].State | Should -Not -Be 'Done'
        (Test-PplxToken -Vault Flaky -SecretName pplx-03).Status | Should -Be 'Valid' -Because 'the failed rotation left a working key'
        foreach ($i in 0, 1, 3, 4, 5) {
            $results[$i].State | Should -Be 'Done'
            (Get-PplxEmulatorKey $emu $old[$i].Fingerprint).revoked | Should -BeTrue
        }
        (Invoke-PplxRotation -Vault Flaky -SecretName pplx-03 -Force).State | Should -Be 'Done' -Because 'running it again finishes it'
    }

    It 'attempts every secret under -ErrorAction Stop and reports the failures together at the end' {
        $null = New-Secrets Prod 4
        1..2 | ForEach-Object { Set-Secret -Vault Prod -Name "pplx-0$_-bad" -Secret @{ not = 'a key' } }
        $holder = @{}
        $results = & {
            $ErrorActionPreference = 'Stop'
            try { Get-SecretInfo -Vault Prod -Name 'pplx-*' | Sort-Object Name | Invoke-PplxRotation -ThrottleLimit 4 -Force } catch { $holder.Caught = $_ }
        }
        $holder.Caught.FullyQualifiedErrorId | Should -Be 'ItemsFailed,PerplexityKeys.Commands.InvokePplxRotationCommand'
        $holder.Caught.Exception.Errors.Count | Should -Be 2
        @($results | Where-Object State -EQ 'Done').SecretName | Should -Be @('pplx-01', 'pplx-02', 'pplx-03', 'pplx-04')
    }

    It 'waits for another process''s rotation of the vault, and holds the vault against other processes while it rotates' {
        $null = New-Secrets Flaky 4
        # Another process holds the vault: its write of pplx-04's pending key hangs.
        Set-PplxTestVaultFault $flaky -HangOnSet 'pplx-04-pplx-pending'
        $other = Start-PplxChildScript 'Invoke-TestRotation.ps1' @('-Vault', 'Flaky', '-SecretName', 'pplx-04')
        try {
            Wait-PplxCondition { Test-Path "$($flaky.Path).hanging" } -Because 'the other process to hold the lock'
            $results = 'pplx-01', 'pplx-02', 'pplx-03' | ForEach-Object { [pscustomobject]@{ Name = $_ } } |
                Invoke-PplxRotation -Vault Flaky -ThrottleLimit 3 -LockTimeout '00:00:00.5' -Force -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -HaveCount 3
            $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -Be 'RotationLockTimeout,PerplexityKeys.Commands.InvokePplxRotationCommand' }
            $results.State | Should -Be @('Start', 'Start', 'Start')
            @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like 'Flaky/pplx-0[123]/*' }) | Should -BeNullOrEmpty -Because 'nothing was minted'
        }
        finally {
            $other.Kill($true); $other.WaitForExit()
            Remove-Item "$($flaky.Path).hanging" -ErrorAction Ignore
        }

        # Now a throttled batch holds the vault (its write of pplx-03's pending key hangs): another process waits, and gives up.
        Set-PplxTestVaultFault $flaky -HangOnSet 'pplx-03-pplx-pending'
        $batch = Start-PplxChildScript 'Invoke-TestRotation.ps1' @('-Vault', 'Flaky', '-SecretName', 'pplx-01,pplx-02,pplx-03', '-ThrottleLimit', '3')
        try {
            Wait-PplxCondition { Test-Path "$($flaky.Path).hanging" } -Because 'the throttled batch to hold the lock'
            $second = Start-PplxChildScript 'Invoke-TestRotation.ps1' @('-Vault', 'Flaky', '-SecretName', 'pplx-04', '-LockTimeout', '00:00:00.5')
            $second.WaitForExit()
            $second.ExitCode | Should -Be 1 -Because 'one writer per vault: the batch holds it'
        }
        finally {
            $batch.Kill($true); $batch.WaitForExit()
            Remove-Item "$($flaky.Path).hanging" -ErrorAction Ignore
        }

        # Both processes gone: one batch finishes every rotation, interrupted or not begun.
        $final = Get-Batch Flaky | Invoke-PplxRotation -ThrottleLimit 4 -Force
        $final.State | Should -Be (@('Done') * 4)
    }

    It 'loses no write when a throttled batch and another process rotate different secrets of one SecretStore-like store' {
        $null = New-PplxTestVault -Kind Store -Name Store -CacheSeconds 3
        $names = 'svc-a1', 'svc-a2', 'svc-a3', 'svc-b'
        $old = @{}
        foreach ($name in $names) { $old[$name] = New-PplxToken -ApiKey $emu.AdminKey -TokenName $name -Vault Store -SecretName $name }

        # Both processes hold a copy of the store before either writes; the batch's rotations share one lock and one cache.
        Invoke-PplxRotationsTogether @{ Vault = 'Store'; SecretName = 'svc-a1,svc-a2,svc-a3'; ThrottleLimit = 3; Rounds = 2 }, @{ Vault = 'Store'; SecretName = 'svc-b'; Rounds = 2 } |
            Should -Be @(0, 0)

        # Read the store as a new process does, then check every key against the emulator.
        $reader = Start-PplxVaultClient -Vault Store
        try {
            foreach ($name in $names) {
                $held = (Invoke-PplxVaultClient $reader @{ op = 'get'; name = $name }).value
                $minted = @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like "Store/$name/*" })
                $minted | Should -HaveCount 2 -Because "$name was rotated twice, minting once each time"
                $held | Should -Be ($minted | Sort-Object created | Select-Object -Last 1).fingerprint -Because "no write to $name was lost"
                @($minted | Where-Object { -not $_.revoked }).fingerprint | Should -Be @($held)
                (Get-PplxEmulatorKey $emu $old[$name].Fingerprint).revoked | Should -BeTrue
            }
        }
        finally { Stop-PplxVaultClient $reader }
    }

    It 'stops every rotation in flight on Ctrl+C, each writing its audit line, and a re-run finishes them' {
        $old = New-Secrets Prod 4
        # Every revocation hangs, so that all four rotations are in flight at once when the stop comes.
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Delay'; delayMs = 600000; path = '/revoke_auth_token'; count = 4 }
        $ps = [powershell]::Create()
        $null = $ps.AddScript('param($m, $a) Import-Module $m; Get-SecretInfo -Vault Prod -Name ''pplx-*'' | Sort-Object Name | Invoke-PplxRotation -ThrottleLimit 4 -Force -AuditLog $a').
            AddArgument($env:PPLX_TEST_MODULE).AddArgument($audit)
        $handle = $ps.BeginInvoke()
        try {
            Wait-PplxCondition { (Invoke-PplxEmulator $emu GET inflight).'/revoke_auth_token' -eq 4 } -Because 'all four rotations to reach the revocation'
            $stop = $ps.BeginStop($null, $null)
            $stop.AsyncWaitHandle.WaitOne(60000) | Should -BeTrue -Because 'Ctrl+C ends every rotation in flight'
            $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        }
        finally { $ps.Dispose() }
        $stopped = @(Get-Content $audit | ConvertFrom-Json | Where-Object step -EQ 'Stopped')
        @($stopped.secret | Sort-Object) | Should -Be @('pplx-01', 'pplx-02', 'pplx-03', 'pplx-04')
        $null = Invoke-PplxEmulator $emu DELETE faults

        $rerun = Get-Batch Prod | Invoke-PplxRotation -ThrottleLimit 4 -Force
        $rerun.State | Should -Be (@('Done') * 4)
        $old | ForEach-Object { (Get-PplxEmulatorKey $emu $_.Fingerprint).revoked | Should -BeTrue }
    }

    It 'stops the rotations still in flight when a later command ends the pipeline early, and lets go of the vault' {
        $old = New-Secrets Prod 4
        # Calls that take a while, so that the later rotations are still in flight when the first result ends the pipeline.
        $null = Invoke-PplxEmulator $emu POST config @{ latencyMs = 150 }

        $first = Get-Batch Prod | Invoke-PplxRotation -ThrottleLimit 4 -Force -AuditLog $audit | Select-Object -First 1

        $first | Should -HaveCount 1
        $first.State | Should -Be 'Done'
        # Had a stopped rotation been left waiting for the pipeline thread, it would still hold the vault's lock here.
        $rest = Get-Batch Prod | Invoke-PplxRotation -ThrottleLimit 4 -LockTimeout '00:00:01' -Force
        $rest.State | Should -Be (@('Done') * 4) -Because 'the stopped command let go of the vault''s lock'
        $old | ForEach-Object { (Get-PplxEmulatorKey $emu $_.Fingerprint).revoked | Should -BeTrue }
        @(Get-Content $audit | ConvertFrom-Json | Select-Object -ExpandProperty secret -Unique | Sort-Object) | Should -Be (Get-Names 4) -Because 'every rotation the stopped command began wrote its audit lines'
    }

    It 'refuses a limit outside 1 to 64 before rotating anything' {
        $null = New-Secrets Prod 1
        { Invoke-PplxRotation -Vault Prod -SecretName pplx-01 -ThrottleLimit 65 -Force -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PerplexityKeys.Commands.InvokePplxRotationCommand'
        @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like 'Prod/pplx-01/*' }) | Should -BeNullOrEmpty
    }
}
