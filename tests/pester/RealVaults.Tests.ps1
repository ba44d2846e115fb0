# Rotations against the test vaults that behave like the real ones (shared/secretmanagement.md §9, §10):
# a SecretStore-like store cached per process and rewritten whole on every write, and a Key-Vault-like
# vault that soft-deletes. Whatever crosses processes runs in real child processes.

BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'A SecretStore-like vault, written by two processes' {
    BeforeEach {
        Reset-PplxEmulator $emu
        $env:PERPLEXITY_BASE_URL = $emu.BaseUri
        $env:PERPLEXITY_API_KEY = $null
        $null = Use-PplxTestRegistry
        $store = New-PplxTestVault -Kind Store -Name Store -DefaultVault -CacheSeconds 3
    }

    It 'loses no write when two processes rotate different secrets of one store, three rounds each' {
        $a = New-PplxToken -TokenName a -Vault Store -SecretName svc-a -ApiKey $emu.AdminKey
        $b = New-PplxToken -TokenName b -Vault Store -SecretName svc-b -ApiKey $emu.AdminKey

        # Both processes hold a copy of the store before either writes, as services that have run a while do.
        Invoke-PplxRotationsTogether @{ Vault = 'Store'; SecretName = 'svc-a'; Rounds = 3 }, @{ Vault = 'Store'; SecretName = 'svc-b'; Rounds = 3 } |
            Should -Be @(0, 0)

        # Read the store as a new process does (this one's cache is its own), then check every key against the emulator.
        $reader = Start-PplxVaultClient -Vault Store
        try {
            foreach ($secret in @{ Name = 'svc-a'; Old = $a }, @{ Name = 'svc-b'; Old = $b }) {
                $held = (Invoke-PplxVaultClient $reader @{ op = 'get'; name = $secret.Name }).value
                $minted = @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like "Store/$($secret.Name)/*" })
                $minted | Should -HaveCount 3
                $held | Should -Be ($minted | Sort-Object created | Select-Object -Last 1).fingerprint
                @($minted | Where-Object { -not $_.revoked }).fingerprint | Should -Be @($held)
                (Get-PplxEmulatorKey $emu $secret.Old.Fingerprint).revoked | Should -BeTrue
            }
        }
        finally { Stop-PplxVaultClient $reader }
    }
}

Describe 'A Key-Vault-like vault, which soft-deletes' {
    BeforeEach {
        Reset-PplxEmulator $emu
        $env:PERPLEXITY_BASE_URL = $emu.BaseUri
        $env:PERPLEXITY_API_KEY = $null
        $null = Use-PplxTestRegistry
        $kv = New-PplxTestVault -Kind KeyVault -Name AzKV -DefaultVault
    }

    It 'rotates a secret again and again, because no helper is ever deleted' {
        $old = New-PplxToken -TokenName kv -Vault AzKV -SecretName pplx-svc -ApiKey $emu.AdminKey
        $results = 1..3 | ForEach-Object { Invoke-PplxRotation -Vault AzKV -SecretName pplx-svc -Force }
        $results.State | Should -Be @('Done', 'Done', 'Done')
        Get-PplxTestVaultDeletedSecret $kv | Should -BeNullOrEmpty
        Get-PplxLiveHelper AzKV pplx-svc | Should -BeNullOrEmpty
        (Test-PplxToken -Vault AzKV -SecretName pplx-svc).Status | Should -Be 'Valid'
        (Get-PplxEmulatorKey $emu $old.Fingerprint).revoked | Should -BeTrue
        @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like 'AzKV/pplx-svc/*' -and -not $_.revoked }) | Should -HaveCount 1
    }
}

Describe 'A SecretStore-like vault with a password that relocks' {
    BeforeEach {
        Reset-PplxEmulator $emu
        $env:PERPLEXITY_BASE_URL = $emu.BaseUri
        $env:PERPLEXITY_API_KEY = $null
        $null = Use-PplxTestRegistry
        $password = ConvertTo-SecureString 'letmein' -AsPlainText -Force
        $null = New-PplxTestVault -Kind Store -Name Locked -DefaultVault -CacheSeconds 0 -Password 'letmein' -PasswordTimeout 1 -Interaction None
        Unlock-SecretVault -Name Locked -Password $password
        $old = New-PplxToken -TokenName locked -Vault Locked -SecretName pplx-svc -ApiKey $emu.AdminKey
        $null = New-PplxToken -TokenName admin -Vault Locked -SecretName pplx-admin -ApiKey $emu.AdminKey
        $audit = Join-Path $env:PPLX_TEST_WORK 'audit.jsonl'

        function Wait-Relocked {
            # The store relocks PasswordTimeout after an unlock; wait for that state, bounded.
            Wait-PplxCondition { $null -eq (Get-Secret -Vault Locked -Name pplx-svc -ErrorAction SilentlyContinue) } -TimeoutSeconds 30 -Because 'the store to relock'
        }
    }

    It 'unlocks it again when it relocks mid-run, with -VaultPassword, and finishes' {
        $result = Invoke-PplxRotation -Vault Locked -SecretName pplx-svc -VaultPassword $password -PropagationDelay 00:00:02.5 -Force
        $result.State | Should -Be 'Done'
        (Get-PplxEmulatorKey $emu $old.Fingerprint).revoked | Should -BeTrue
    }

    It 'reads the master key only after unlocking the vault, when -ApiKeyVault is left out' {
        Wait-Relocked
        $result = Invoke-PplxRotation -Vault Locked -SecretName pplx-svc -ApiKeySecretName pplx-admin -VaultPassword $password -Force
        $result.State | Should -Be 'Done'
    }

    It 'writes its result and an audit line when the vault stays locked' {
        Wait-Relocked
        $result = Invoke-PplxRotation -Vault Locked -SecretName pplx-svc -AuditLog $audit -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'VaultLocked,PerplexityKeys.Commands.InvokePplxRotationCommand'
        $result | Should -BeOfType ([PerplexityKeys.PplxRotationResult])
        $result.State | Should -Be 'Start'
        $lines = @(Get-Content $audit | ConvertFrom-Json)
        $lines.Count | Should -BeGreaterThan 0
        ($lines | ConvertTo-Json -Depth 5) | Should -Match 'VaultLocked'
        @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like 'Locked/pplx-svc/*' }) | Should -BeNullOrEmpty
    }
}

Describe 'A vault call that hangs' {
    BeforeEach {
        $prod, $flaky = Initialize-PplxTestWorld $emu
        $old = New-PplxToken -TokenName 'hung original' -Vault Flaky -SecretName pplx-svc
        $env:PERPLEXITY_API_KEY = $null
        $audit = Join-Path $env:PPLX_TEST_WORK 'audit.jsonl'
        Remove-Item $audit -ErrorAction Ignore
        # The vault's write hangs until this file appears, then lands late (SecretManagement cannot stop a vault function).
        $release = "$($flaky.Path).release"

        function Start-Rotation([hashtable] $More = @{}) {
            # The rotation in a runspace of this process, so that the test can stop it as Ctrl+C would.
            $ps = [powershell]::Create()
            $null = $ps.AddScript('param($m, $a, $more) Import-Module $m; Invoke-PplxRotation -Vault Flaky -SecretName pplx-svc -Force -AuditLog $a @more').
                AddArgument($env:PPLX_TEST_MODULE).AddArgument($audit).AddArgument($More)
            [pscustomobject]@{ PowerShell = $ps; Handle = $ps.BeginInvoke() }
        }

        function Complete-LateCall {
            # Lets the hung write land, then waits (bounded) until this process no longer counts it as outstanding.
            Set-Content $release 'go'
            Wait-PplxCondition { -not (Test-Path "$($flaky.Path).hanging") } -Because 'the hung call to return'
            Wait-PplxCondition { (Test-PplxToken -Vault Flaky -SecretName pplx-svc -ErrorAction SilentlyContinue).Status -eq 'Valid' } -Because 'the vault to be callable again'
        }
    }

    AfterEach {
        if (Test-Path "$($flaky.Path).hanging") { Set-Content $release 'go' }
    }

    It 'gives up after -TimeoutSec with VaultTimeout, calls the vault no more until the late call returns, and a re-run finishes' {
        Set-PplxTestVaultFault $flaky -HangOnSet 'pplx-svc-pplx-pending'
        $run = Start-Rotation @{ TimeoutSec = 2; ErrorAction = 'Continue'; WarningAction = 'SilentlyContinue' }
        $run.Handle.AsyncWaitHandle.WaitOne(60000) | Should -BeTrue -Because 'a hung vault call ends the command after -TimeoutSec'
        $result = $run.PowerShell.EndInvoke($run.Handle)
        $run.PowerShell.Streams.Error[0].FullyQualifiedErrorId | Should -Be 'VaultTimeout,PerplexityKeys.Commands.InvokePplxRotationCommand'
        $run.PowerShell.Streams.Error[0].Exception.Message | Should -Match "did not finish Set-Secret of 'pplx-svc-pplx-pending' within 2 s"
        $result[0].State | Should -Be 'Minting' -Because 'the journal names the minted key; the hung write has not landed'
        $result[0].PossibleOrphans | Should -Match '^Flaky/pplx-svc/'
        Test-Path "$($flaky.Path).hanging" | Should -BeTrue

        # While the abandoned write may still land, this process calls no vault and another process cannot take the lock.
        $null = Test-PplxToken -Vault Prod -SecretName nothing -ErrorVariable busy -ErrorAction SilentlyContinue
        $busy[0].FullyQualifiedErrorId | Should -Be 'VaultTimeout,PerplexityKeys.Commands.TestPplxTokenCommand'
        $busy[0].Exception.Message | Should -Match "still running \(Flaky: Set-Secret 'pplx-svc-pplx-pending'\)"
        $child = Start-PplxChildScript 'Invoke-TestRotation.ps1' @('-Vault', 'Flaky', '-SecretName', 'pplx-svc', '-LockTimeout', '00:00:01')
        $child.WaitForExit()
        $child.ExitCode | Should -Not -Be 0 -Because 'the vault lock stays held while the late write may land'

        Complete-LateCall
        $rerun = Invoke-PplxRotation -Vault Flaky -SecretName pplx-svc -Force
        $rerun.State | Should -Be 'Done'
        $rerun.Resumed | Should -BeTrue
        (Get-PplxEmulatorKey $emu $old.Fingerprint).revoked | Should -BeTrue
        Get-PplxLiveHelper Flaky pplx-svc | Should -BeNullOrEmpty
        @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like 'Flaky/pplx-svc/*' -and -not $_.revoked }).Count | Should -Be 1
    }

    It 'New-PplxToken does not revoke a key whose write did not return (it may still land), and says so' {
        Set-PplxTestVaultFault $flaky -HangOnSet 'svc-fresh'
        $null = New-PplxToken -ApiKey $emu.AdminKey -TokenName 'fresh one' -Vault Flaky -SecretName svc-fresh -TimeoutSec 2 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'VaultOperationFailed,PerplexityKeys.Commands.NewPplxTokenCommand'
        $err[0].Exception.Message | Should -Match "was not revoked: the write may still store it"
        $minted = Invoke-PplxEmulator $emu GET keys | Where-Object name -EQ 'fresh one'
        $minted.revoked | Should -BeFalse

        Complete-LateCall
        (Test-PplxToken -Vault Flaky -SecretName svc-fresh).Fingerprint | Should -Be $minted.fingerprint -Because 'the late write stored the key it did not revoke'
    }

    It 'ends at once on Ctrl+C, writes the Stopped audit line, and a re-run finishes' {
        Set-PplxTestVaultFault $flaky -HangOnSet 'pplx-svc-pplx-pending'
        $run = Start-Rotation @{ TimeoutSec = 600 }
        Wait-PplxCondition { Test-Path "$($flaky.Path).hanging" } -Because 'the rotation to hang in the vault'
        $stop = $run.PowerShell.BeginStop($null, $null)
        $stop.AsyncWaitHandle.WaitOne(60000) | Should -BeTrue -Because 'Ctrl+C ends a command whose vault call hangs'
        $run.PowerShell.InvocationStateInfo.State | Should -Be 'Stopped'
        $lines = @(Get-Content $audit | ConvertFrom-Json)
        $lines[-1].secret | Should -Be 'pplx-svc'
        ($lines | ConvertTo-Json -Depth 5) | Should -Match '"Stopped"'

        Complete-LateCall
        $rerun = Invoke-PplxRotation -Vault Flaky -SecretName pplx-svc -Force
        $rerun.State | Should -Be 'Done'
        (Get-PplxEmulatorKey $emu $old.Fingerprint).revoked | Should -BeTrue
    }
}

Describe 'The rotation lock, seen from another account of the machine' {
    # The lock must exclude every account (a SYSTEM task and an admin): its folder is shared (mode 1777) and a lock file
    # that one account created must be openable, and lockable, by another. Shown with a second real account (nobody),
    # through util-linux flock, which takes the same kind of lock as .NET's exclusive open on Linux.
    BeforeAll {
        $lockType = Get-PplxCoreType PerplexityKeys.Core.Rotation.RotationLock
        $saved = $lockType::Directory
    }

    BeforeEach {
        $dir = Join-Path ([IO.Path]::GetTempPath()) "pplx-accounts-$([guid]::NewGuid().ToString('N'))"
        $lockType::Directory = $dir
    }

    AfterEach {
        $lockType::Directory = $saved
        Remove-Item $dir -Recurse -Force -ErrorAction Ignore
    }

    It 'is held against another account while a rotation holds it, and that account can take it once it is let go' -Skip:((& id -u) -ne '0') {
        # The module's TimeProvider (Microsoft.Bcl.TimeProvider, for netstandard2.0), not the one of pwsh's runtime.
        $clock = $lockType.GetMethod('AcquireAsync').GetParameters()[3].ParameterType
        $held = $lockType::AcquireAsync('Shared Vault', [timespan]::FromSeconds(5), [timespan]::Zero, $clock::System, [Threading.CancellationToken]::None).GetAwaiter().GetResult()
        try {
            $lockFile = (Get-ChildItem $dir -Filter '*.lock').FullName
            ((& stat -c '%a' $dir) -join '') | Should -Be '1777'
            & runuser -u nobody -- flock --nonblock --exclusive $lockFile true
            $LASTEXITCODE | Should -Be 1 -Because 'another account cannot take the lock this process holds'
        }
        finally { $held.Dispose() }

        & runuser -u nobody -- flock --nonblock --exclusive $lockFile true
        $LASTEXITCODE | Should -Be 0 -Because 'another account can open and lock the file this account created'
        & runuser -u nobody -- sh -c "echo 1 > '$dir/other.nobody.stamp'"
        $LASTEXITCODE | Should -Be 0 -Because 'another account can record its own writes in the shared folder'
    }
}
