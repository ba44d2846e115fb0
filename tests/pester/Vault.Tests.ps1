BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator
    $adminText = $emu.AdminKey | Get-PlainText
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'Keys in SecretManagement vaults' {
    BeforeEach {
        $prod, $flaky = Initialize-PplxTestWorld $emu
    }

    Context 'New-PplxToken -Vault -SecretName' {
        It 'stores the key as a SecureString with metadata where the vault keeps metadata' {
            $t = New-PplxToken -TokenName svc -Vault Prod -SecretName pplx-svc
            $info = Get-SecretInfo -Vault Prod -Name pplx-svc
            $info.Type | Should -Be 'SecureString'
            $info.Metadata['PplxFingerprint'] | Should -Be $t.Fingerprint
            $info.Metadata['PplxTokenName'] | Should -Be 'svc'
            [datetime]::Parse($info.Metadata['PplxCreatedAt']) | Should -BeOfType ([datetime])
            (Get-Secret -Vault Prod -Name pplx-svc | Get-PlainText) | Should -Be ($t.Key | Get-PlainText)
        }

        It 'stores the key in a vault without metadata support, and it stays there' {
            $t = New-PplxToken -TokenName svc -Vault Flaky -SecretName pplx-svc
            (Get-Secret -Vault Flaky -Name pplx-svc | Get-PlainText) | Should -Be ($t.Key | Get-PlainText)
            (Get-SecretInfo -Vault Flaky -Name pplx-svc).Metadata | Should -BeNullOrEmpty
        }

        It 'the hazard it avoids: Set-Secret -Metadata on such a vault writes the secret and removes it again' {
            $s = ConvertTo-SecureString 'x' -AsPlainText -Force
            Set-Secret -Name hazard -SecureStringSecret $s -Vault Flaky -Metadata @{ a = 'b' } -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'SetSecretMetadataCommandNotSupported,*'
            Get-SecretInfo -Vault Flaky -Name hazard | Should -BeNullOrEmpty
        }

        It 'the hazards it avoids: Set without -Vault and no default vault fails; Remove-Secret needs -Vault' {
            Set-SecretVaultDefault -ClearDefault
            { Set-Secret -Name x -Secret 'y' } | Should -Throw -ErrorId 'SetSecretCommandFailNoVault,Microsoft.PowerShell.SecretManagement.SetSecretCommand'
            (Get-Command Remove-Secret).Parameters['Vault'].Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] }).Mandatory | Should -Contain $true
            # The module names the vault on every write, so it works with no default vault at all.
            $t = New-PplxToken -Vault Prod -SecretName pplx-nodefault
            (Test-PplxToken -Vault Prod -SecretName pplx-nodefault).Fingerprint | Should -Be $t.Fingerprint
            Revoke-PplxToken -Vault Prod -SecretName pplx-nodefault -Force -RemoveSecret
            Get-SecretInfo -Vault Prod -Name pplx-nodefault | Should -BeNullOrEmpty
        }

        It 'refuses to overwrite an existing secret, before minting, unless -Force' {
            $null = New-PplxToken -TokenName first -Vault Prod -SecretName pplx-svc
            $keysBefore = @(Invoke-PplxEmulator $emu GET keys).Count
            $null = New-PplxToken -TokenName second -Vault Prod -SecretName pplx-svc -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'SecretExists,PerplexityKeys.Commands.NewPplxTokenCommand'
            @(Invoke-PplxEmulator $emu GET keys).Count | Should -Be $keysBefore
            $third = New-PplxToken -TokenName third -Vault Prod -SecretName pplx-svc -Force -WarningAction SilentlyContinue
            (Get-SecretInfo -Vault Prod -Name pplx-svc).Metadata['PplxFingerprint'] | Should -Be $third.Fingerprint
        }

        It 'revokes the new key when the vault refuses it' {
            Set-PplxTestVaultFault $flaky -FailNextSet pplx-svc
            $null = New-PplxToken -TokenName refused -Vault Flaky -SecretName pplx-svc -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'VaultOperationFailed,PerplexityKeys.Commands.NewPplxTokenCommand'
            (Invoke-PplxEmulator $emu GET keys | Where-Object name -EQ 'refused').revoked | Should -BeTrue
        }

        It 'needs -Vault and -SecretName together: both are mandatory in the Store parameter set, and the default set has neither' {
            # Binding itself (only one given, -NonInteractive) is run in a child process: Tokens.Tests.ps1, 'Unattended use'.
            $command = Get-Command New-PplxToken
            $command.DefaultParameterSet | Should -Be 'Mint'
            foreach ($name in 'Vault', 'SecretName') {
                @($command.Parameters[$name].ParameterSets.Keys) | Should -Be @('Store')
                $command.Parameters[$name].ParameterSets['Store'].IsMandatory | Should -BeTrue
            }
        }

        It 'mints with a master key read from a vault' {
            Set-Secret -Vault Prod -Name master -Secret $adminText
            $env:PERPLEXITY_API_KEY = $null
            $t = New-PplxToken -TokenName via-vault -ApiKeySecretName master -ApiKeyVault Prod
            $t.Name | Should -Be 'via-vault'
            $admin = Invoke-PplxEmulator $emu GET keys | Where-Object name -EQ 'admin (seeded)'
            (Invoke-PplxEmulator $emu GET requests | Where-Object path -EQ '/generate_auth_token').fingerprint | Should -Be $admin.fingerprint
        }
    }

    Context 'Test-PplxToken from vaults' {
        It 'tests a whole vault through Get-SecretInfo' {
            'pplx-a', 'pplx-b' | ForEach-Object { $null = New-PplxToken -Vault Prod -SecretName $_ }
            $results = Get-SecretInfo -Vault Prod -Name 'pplx-*' | Test-PplxToken
            $results.Name | Should -Be @('pplx-a', 'pplx-b')
            $results.Status | Should -Be @('Valid', 'Valid')
        }

        It 'reads a key stored as <Kind>' -TestCases @(
            @{ Kind = 'a string'; Make = { param($k) $k | Get-PlainText } }
            @{ Kind = 'a SecureString'; Make = { param($k) $k } }
            @{ Kind = 'a PSCredential'; Make = { param($k) [pscredential]::new('svc', $k) } }
        ) {
            $t = New-PplxToken
            Set-Secret -Vault Prod -Name stored -Secret (& $Make $t.Key)
            (Test-PplxToken -Vault Prod -SecretName stored).Status | Should -Be 'Valid'
        }

        It 'refuses a <Kind> secret with SecretTypeInvalid and leaves it unchanged' -TestCases @(
            @{ Kind = 'hashtable'; Value = @{ key = 'v' } }
            @{ Kind = 'byte[]'; Value = [byte[]](1, 2, 3) }
        ) {
            Set-Secret -Vault Prod -Name odd -Secret $Value
            $before = Get-Content -Raw $prod.Path
            $null = Test-PplxToken -Vault Prod -SecretName odd -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'SecretTypeInvalid,PerplexityKeys.Commands.TestPplxTokenCommand'
            Get-Content -Raw $prod.Path | Should -Be $before
        }

        It 'reports a missing secret and a missing vault with their own ErrorIds' {
            $null = Test-PplxToken -Vault Prod -SecretName nope -ErrorVariable err1 -ErrorAction SilentlyContinue
            $err1[0].FullyQualifiedErrorId | Should -Be 'SecretNotFound,PerplexityKeys.Commands.TestPplxTokenCommand'
            $null = Test-PplxToken -Vault Nope -SecretName x -ErrorVariable err2 -ErrorAction SilentlyContinue
            $err2[0].FullyQualifiedErrorId | Should -Be 'VaultNotFound,PerplexityKeys.Commands.TestPplxTokenCommand'
        }

        It 'says how to unlock a locked vault, and -VaultPassword unlocks it' {
            $null = New-PplxToken -Vault Flaky -SecretName pplx-svc
            Set-PplxTestVaultFault $flaky -Locked
            $null = Test-PplxToken -Vault Flaky -SecretName pplx-svc -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'VaultLocked,PerplexityKeys.Commands.TestPplxTokenCommand'
            $err[0].Exception.GetType().FullName | Should -Be 'PerplexityKeys.Core.Vault.PplxVaultLockedException'
            $err[0].Exception.InnerException.OriginalType | Should -Be 'Microsoft.PowerShell.SecretManagement.PasswordRequiredException' -Because 'a foreign inner exception is kept as its type and redacted text only'
            $err[0].ErrorDetails.RecommendedAction | Should -Match '-VaultPassword'
            "$($err[0])" | Should -Match '-VaultPassword' -Because 'the message shown carries the advice'
            $password = ConvertTo-SecureString 'letmein' -AsPlainText -Force
            (Test-PplxToken -Vault Flaky -SecretName pplx-svc -VaultPassword $password).Status | Should -Be 'Valid'
        }

        It 'takes the vault password as a PSCredential, or from another vault, never as plain text' {
            $null = New-PplxToken -Vault Flaky -SecretName pplx-svc
            Set-Secret -Vault Prod -Name flaky-password -Secret ([pscredential]::new('ops', (ConvertTo-SecureString 'letmein' -AsPlainText -Force)))
            Set-PplxTestVaultFault $flaky -Locked
            (Test-PplxToken -Vault Flaky -SecretName pplx-svc -VaultPassword (Get-Secret -Vault Prod -Name flaky-password)).Status | Should -Be 'Valid'
            Set-PplxTestVaultFault $flaky -Locked
            { Test-PplxToken -Vault Flaky -SecretName pplx-svc -VaultPassword 'letmein' } | Should -Throw -ErrorId 'ParameterArgumentTransformationError,PerplexityKeys.Commands.TestPplxTokenCommand'
        }
    }

    Context 'Vaults as the real SecretManagement reports them (../shared/secretmanagement.md §9)' {
        It 'fails New-PplxToken when the vault prompted and the pipeline stopped: VaultLocked, nothing stored, no key left live' {
            Set-PplxTestVaultFault $flaky -Prompt
            # The existence check is stopped first: nothing is minted.
            $t = New-PplxToken -TokenName prompted -Vault Flaky -SecretName pplx-new -ErrorVariable err -ErrorAction SilentlyContinue
            $t | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -Be 'VaultLocked,PerplexityKeys.Commands.NewPplxTokenCommand'
            $err[0].Exception.Message | Should -Match 'asked for a password'
            $err[0].ErrorDetails.RecommendedAction | Should -Match 'Set-SecretStoreConfiguration -Interaction None'
            "$($err[0])" | Should -Match '-VaultPassword'
            @(Invoke-PplxEmulator $emu GET keys | Where-Object name -EQ 'prompted').Count | Should -Be 0
            # -Force reads what it would replace (to name it), so it is stopped before the mint as well.
            $t = New-PplxToken -TokenName prompted-force -Vault Flaky -SecretName pplx-new -Force -ErrorVariable err2 -ErrorAction SilentlyContinue
            $t | Should -BeNullOrEmpty
            $err2[0].FullyQualifiedErrorId | Should -Be 'VaultLocked,PerplexityKeys.Commands.NewPplxTokenCommand'
            @(Invoke-PplxEmulator $emu GET keys | Where-Object name -EQ 'prompted-force').Count | Should -Be 0
            Set-PplxTestVaultFault $flaky
            Get-SecretInfo -Vault Flaky -Name pplx-new | Should -BeNullOrEmpty
        }

        It 'reports a read that the vault''s prompt stopped as VaultLocked, never as SecretNotFound' {
            $null = New-PplxToken -Vault Flaky -SecretName pplx-svc
            Set-PplxTestVaultFault $flaky -Prompt
            $null = Test-PplxToken -Vault Flaky -SecretName pplx-svc -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'VaultLocked,PerplexityKeys.Commands.TestPplxTokenCommand'
            $err[0].Exception.GetType().FullName | Should -Be 'PerplexityKeys.Core.Vault.PplxVaultLockedException'
            $password = ConvertTo-SecureString 'letmein' -AsPlainText -Force
            (Test-PplxToken -Vault Flaky -SecretName pplx-svc -VaultPassword $password).Status | Should -Be 'Valid'
        }

        It 'does not report Removed when the vault''s prompt stopped the removal' {
            $t = New-PplxToken -Vault Flaky -SecretName pplx-svc
            Set-PplxTestVaultFault $flaky -Prompt
            Revoke-PplxToken -Vault Flaky -SecretName pplx-svc -Force -RemoveSecret -ErrorVariable err -ErrorAction SilentlyContinue
            @($err | Where-Object { $_.FullyQualifiedErrorId -like 'VaultLocked,*' }).Count | Should -BeGreaterThan 0
            Set-PplxTestVaultFault $flaky
            Get-SecretInfo -Vault Flaky -Name pplx-svc | Should -Not -BeNullOrEmpty
            $null = $t
        }

        It 'carries the vault''s own reason, escaped, in the message of a failed write' {
            Set-PplxTestVaultFault $flaky -Broken "disk full`e[31m on /dev/vault`nfake line"
            $null = New-PplxToken -TokenName refused -Vault Flaky -SecretName pplx-svc -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'VaultOperationFailed,PerplexityKeys.Commands.NewPplxTokenCommand'
            $err[0].Exception.Message | Should -Match 'disk full'
            $err[0].Exception.Message | Should -Match 'fake line'
            $err[0].Exception.Message | Should -Not -Match "[`e`n]"
        }

        It 'treats a secret name with wildcard characters literally: <Name>' -TestCases @(
            @{ Name = 'svc[1]' }
            @{ Name = 'svc*' }
        ) {
            $decoy = New-PplxToken -Vault Prod -SecretName ($Name -replace '[\[\]*]', 'x')
            $t = New-PplxToken -Vault Prod -SecretName $Name
            $null = New-PplxToken -Vault Prod -SecretName $Name -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'SecretExists,PerplexityKeys.Commands.NewPplxTokenCommand'
            (Test-PplxToken -SecretName $Name).Fingerprint | Should -Be $t.Fingerprint   # no -Vault: found in the default vault
            Revoke-PplxToken -Vault Prod -SecretName $Name -Force -RemoveSecret
            (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeTrue
            @(Get-SecretInfo -Vault Prod | Where-Object Name -CEQ $Name).Count | Should -Be 0
            (Get-PplxEmulatorKey $emu $decoy.Fingerprint).revoked | Should -BeFalse
            @(Get-SecretInfo -Vault Prod | Where-Object Name -CEQ ($Name -replace '[\[\]*]', 'x')).Count | Should -Be 1
        }
    }

    Context 'Revoke-PplxToken from vaults' {
        It 'revokes a stored key and leaves the secret unless asked' {
            $t = New-PplxToken -Vault Prod -SecretName pplx-svc
            Revoke-PplxToken -Vault Prod -SecretName pplx-svc -Force
            (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeTrue
            Get-SecretInfo -Vault Prod -Name pplx-svc | Should -Not -BeNullOrEmpty
        }

        It 'removes the secret with -RemoveSecret' {
            $t = New-PplxToken -Vault Prod -SecretName pplx-svc
            Get-SecretInfo -Vault Prod -Name pplx-svc | Revoke-PplxToken -Force -RemoveSecret
            (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeTrue
            Get-SecretInfo -Vault Prod -Name pplx-svc | Should -BeNullOrEmpty
        }

        It 'refuses -RemoveSecret without -Vault before revoking anything' {
            $t = New-PplxToken -Vault Prod -SecretName pplx-svc
            Revoke-PplxToken -SecretName pplx-svc -Force -RemoveSecret -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'ParameterCombinationInvalid,PerplexityKeys.Commands.RevokePplxTokenCommand'
            (Get-PplxEmulatorKey $emu $t.Fingerprint).revoked | Should -BeFalse
            Get-SecretInfo -Vault Prod -Name pplx-svc | Should -Not -BeNullOrEmpty
        }
    }

    Context 'New-PplxToken -Force over a stored key' {
        It 'names the key it replaced in a warning, and leaves it live' {
            $first = New-PplxToken -Vault Prod -SecretName pplx-svc
            $second = New-PplxToken -Vault Prod -SecretName pplx-svc -Force -WarningVariable warned -WarningAction SilentlyContinue
            ($warned -join "`n") | Should -Match ([regex]::Escape($first.Fingerprint))
            ($warned -join "`n") | Should -Match 'Revoke-PplxToken'
            (Get-PplxEmulatorKey $emu $first.Fingerprint).revoked | Should -BeFalse
            (Test-PplxToken -Vault Prod -SecretName pplx-svc).Fingerprint | Should -Be $second.Fingerprint
        }
    }
}
