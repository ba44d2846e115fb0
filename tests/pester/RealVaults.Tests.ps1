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
        $go = Join-Path $env:PPLX_TEST_WORK 'go'
        $children = 'svc-a', 'svc-b' | ForEach-Object { Start-PplxChildScript 'Invoke-TestRotation.ps1' @('-Vault', 'Store', '-SecretName', $_, '-Rounds', '3', '-GoFile', $go) }
        Wait-PplxCondition { @(Get-ChildItem "$go.*.ready").Count -eq 2 } -TimeoutSeconds 120 -Because 'both rotating processes to have read the store'
        Set-Content $go 'go'
        foreach ($child in $children) {
            if (-not $child.WaitForExit(240000)) { $child.Kill(); throw 'A rotating process did not end within 240 s.' }
            $child.ExitCode | Should -Be 0
        }

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
