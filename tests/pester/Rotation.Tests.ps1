BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator
    $adminText = $emu.AdminKey | Get-PlainText

    function Assert-Settled([string] $Vault, [string] $SecretName, [string] $OldFingerprint, [string[]] $ReportedOrphans = @()) {
        # One working current key, the old key revoked, no sibling left, and every key minted for
        # this secret current, revoked or reported by name.
        (Test-PplxToken -Vault $Vault -SecretName $SecretName).Status | Should -Be 'Valid'
        Get-PplxLiveHelper $Vault $SecretName | Should -BeNullOrEmpty
        $current = (Test-PplxToken -Vault $Vault -SecretName $SecretName).Fingerprint
        $current | Should -Not -Be $OldFingerprint
        (Get-PplxEmulatorKey $emu $OldFingerprint).revoked | Should -BeTrue
        $minted = @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like "$Vault/$SecretName/*" })
        @($minted | Where-Object { -not $_.revoked -and $_.fingerprint -ne $current -and $_.name -notin $ReportedOrphans }) | Should -BeNullOrEmpty
    }
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'Invoke-PplxRotation' {
    BeforeEach {
        $prod, $flaky = Initialize-PplxTestWorld $emu
        $old = New-PplxToken -TokenName 'pplx-svc original' -Vault Prod -SecretName pplx-svc
        $oldFlaky = New-PplxToken -TokenName 'pplx-svc original flaky' -Vault Flaky -SecretName pplx-svc
        $env:PERPLEXITY_API_KEY = $null   # rotations authorize themselves with the key being rotated
    }

    It 'rotates every secret Get-SecretInfo lists, in both kinds of vault' {
        $results = Get-SecretInfo -Name 'pplx-*' | Invoke-PplxRotation -Force
        $results | Should -HaveCount 2
        $results | ForEach-Object { $_ | Should -BeOfType ([PerplexityKeys.PplxRotationResult]) }
        $results.State | Should -Be @('Done', 'Done')
        $results[0].Steps.Name | Should -Contain 'RevokeOld'
        Assert-Settled Prod pplx-svc $old.Fingerprint
        Assert-Settled Flaky pplx-svc $oldFlaky.Fingerprint
        (Get-SecretInfo -Vault Prod -Name pplx-svc).Metadata['PplxRotatedFrom'] | Should -Be $old.Fingerprint
    }

    It 'touches nothing under -WhatIf and says what it would do' {
        $before = Get-Content -Raw $prod.Path
        $keys = @(Invoke-PplxEmulator $emu GET keys).Count
        $transcript = Join-Path $env:PPLX_TEST_WORK 'whatif.txt'
        $null = Start-Transcript $transcript
        Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -WhatIf
        $null = Stop-Transcript
        Get-Content -Raw $transcript | Should -Match 'What if: .*mint a key'
        Get-Content -Raw $prod.Path | Should -Be $before
        @(Invoke-PplxEmulator $emu GET keys).Count | Should -Be $keys
    }

    It 'stages: Prepare keeps the old key working as previous, Finish revokes it' {
        $prepared = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Stage Prepare -Force
        $prepared.State | Should -Be 'Propagating'
        (Get-SecretInfo -Vault Prod).Name | Should -Contain 'pplx-svc-pplx-previous'
        (Get-PplxEmulatorKey $emu $old.Fingerprint).revoked | Should -BeFalse
        $old | Test-PplxToken -Quiet | Should -BeTrue

        $finished = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Stage Finish -Force
        $finished.State | Should -Be 'Done'
        $finished.Resumed | Should -BeTrue
        Assert-Settled Prod pplx-svc $old.Fingerprint
    }

    It 'hands the new token to -OnNewToken once it is current' {
        $script:handed = $null
        $result = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -OnNewToken {
            $script:handed = $_
            $script:currentThen = (Test-PplxToken -Vault Prod -SecretName pplx-svc).Fingerprint
        }
        $script:handed | Should -BeOfType ([PerplexityKeys.PplxToken])
        $script:handed.Fingerprint | Should -Be $result.NewFingerprint
        $script:currentThen | Should -Be $result.NewFingerprint
        ($script:handed | Test-PplxToken).Status | Should -Be 'Valid'
    }

    It 'keeps the old key when -OnNewToken fails: <Case>' -TestCases @(
        @{ Case = 'Write-Error'; Hook = { Write-Error 'restart failed' } }
        @{ Case = 'a native command that exits 1'; Hook = { /bin/false } }
        @{ Case = 'a cmdlet error'; Hook = { Get-Item -LiteralPath '/no/such/service/config' } }
        @{ Case = 'throw'; Hook = { throw 'deploy failed' } }
    ) {
        $result = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -OnNewToken $Hook -ErrorVariable err -ErrorAction SilentlyContinue
        $err[-1].FullyQualifiedErrorId | Should -Be 'RotationInterrupted,PerplexityKeys.Commands.InvokePplxRotationCommand'
        $err[-1].Exception.Message | Should -Match 'hand-off'
        $result.State | Should -Not -Be 'Done'
        (Get-PplxEmulatorKey $emu $old.Fingerprint).revoked | Should -BeFalse
        @(Invoke-PplxEmulator $emu GET requests | Where-Object path -EQ '/revoke_auth_token') | Should -BeNullOrEmpty

        # Fixed, the same command hands off again and finishes.
        $script:handedAgain = $null
        (Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -OnNewToken { $script:handedAgain = $_.Fingerprint }).State | Should -Be 'Done'
        $script:handedAgain | Should -Be $result.NewFingerprint
        Assert-Settled Prod pplx-svc $old.Fingerprint
    }

    It 'skips the helper secrets of a staged rotation when they are piped in, and refuses them by name, to a mint too' {
        $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Stage Prepare -Force
        @(Get-SecretInfo -Vault Prod).Name | Should -Contain 'pplx-svc-pplx-journal'
        $keysBefore = @(Invoke-PplxEmulator $emu GET keys).Count

        $tested = Get-SecretInfo -Vault Prod | Test-PplxToken -ErrorVariable testErr -Verbose 4>&1
        $results = @($tested | Where-Object { $_ -is [PerplexityKeys.PplxTokenTestResult] })
        $results.Name | Should -Be @('pplx-svc')
        $results.Status | Should -Be @('Valid')
        @($tested | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -match "Skipped 'pplx-svc-pplx-(pending|previous|journal)'" }).Count | Should -Be 3
        $testErr | Should -BeNullOrEmpty

        $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc-pplx-previous -Force -ErrorVariable rotErr -ErrorAction SilentlyContinue
        $rotErr[0].FullyQualifiedErrorId | Should -Be 'SecretIsRotationHelper,PerplexityKeys.Commands.InvokePplxRotationCommand'
        @(Invoke-PplxEmulator $emu GET keys).Count | Should -Be $keysBefore
        @(Get-SecretInfo -Vault Prod -Name 'pplx-svc-pplx-previous-pplx-*') | Should -BeNullOrEmpty

        $pending = Get-Secret -Vault Prod -Name pplx-svc-pplx-pending -AsPlainText
        $null = New-PplxToken -TokenName stray -ApiKey $emu.AdminKey -Vault Prod -SecretName pplx-svc-pplx-pending -Force -ErrorVariable newErr -ErrorAction SilentlyContinue
        $newErr[0].FullyQualifiedErrorId | Should -Be 'SecretIsRotationHelper,PerplexityKeys.Commands.NewPplxTokenCommand'
        $null = [pscustomobject]@{ TokenName = 'stray-row'; SecretName = 'pplx-svc-pplx-journal' } | New-PplxToken -ApiKey $emu.AdminKey -Vault Prod -Force -ErrorVariable rowErr -ErrorAction SilentlyContinue
        $rowErr[0].FullyQualifiedErrorId | Should -Be 'SecretIsRotationHelper,PerplexityKeys.Commands.NewPplxTokenCommand' -Because 'a row piped in is what the user means to create, not a listing to skip through'
        @(Invoke-PplxEmulator $emu GET keys).Count | Should -Be $keysBefore -Because 'nothing is minted for a helper name'
        (Get-Secret -Vault Prod -Name pplx-svc-pplx-pending -AsPlainText) -ceq $pending | Should -BeTrue -Because 'the prepared rotation''s pending key is untouched'
    }

    It 'keeps a prepared rotation staged when a plain batch runs over the vault' {
        $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Stage Prepare -Force
        $batch = Get-SecretInfo -Vault Prod | Invoke-PplxRotation -Force
        $batch | Should -HaveCount 1
        $batch.State | Should -Be 'Propagating'
        $batch.AwaitingFinish | Should -BeTrue
        (Get-PplxEmulatorKey $emu $old.Fingerprint).revoked | Should -BeFalse
        @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like 'Prod/pplx-svc/*' }).Count | Should -Be 1
        (Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Stage Finish -Force).State | Should -Be 'Done'
        Assert-Settled Prod pplx-svc $old.Fingerprint
    }

    It 'gives svc.a and svc-a helpers of their own: an interrupted rotation of one never touches the other' {
        $dot = New-PplxToken -TokenName dot -Vault Prod -SecretName 'svc.a' -ApiKey $emu.AdminKey
        $dash = New-PplxToken -TokenName dash -Vault Prod -SecretName 'svc-a' -ApiKey $emu.AdminKey
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 429; retryAfterSeconds = 3600; path = '/v1/models' }
        $stopped = Invoke-PplxRotation -Vault Prod -SecretName 'svc.a' -Force -ErrorAction SilentlyContinue
        $stopped.State | Should -Be 'Minted'

        (Invoke-PplxRotation -Vault Prod -SecretName 'svc-a' -Force).State | Should -Be 'Done'
        Assert-Settled Prod 'svc-a' $dash.Fingerprint
        (Test-PplxToken -Vault Prod -SecretName 'svc.a').Fingerprint | Should -Be $dot.Fingerprint
        (Get-PplxEmulatorKey $emu $dot.Fingerprint).revoked | Should -BeFalse
        (Get-PplxEmulatorKey $emu $stopped.NewFingerprint).revoked | Should -BeFalse

        (Invoke-PplxRotation -Vault Prod -SecretName 'svc.a' -Force).State | Should -Be 'Done'
        Assert-Settled Prod 'svc.a' $dot.Fingerprint
    }

    It 'keeps what was there: a <Type> secret stays one, with its UserName and the user''s own metadata' -TestCases @(
        @{ Type = 'PSCredential' }
        @{ Type = 'String' }
    ) {
        $key = New-PplxToken -ApiKey $emu.AdminKey
        $text = $key.Key | Get-PlainText
        $value = if ($Type -eq 'PSCredential') { [pscredential]::new('svc-user', $key.Key) } else { $text }
        $expires = [datetime]::new(2027, 1, 31, 0, 0, 0, [DateTimeKind]::Utc)
        Set-Secret -Vault Prod -Name pplx-typed -Secret $value -Metadata @{ Owner = 'team-a'; Expires = $expires }

        (Invoke-PplxRotation -Vault Prod -SecretName pplx-typed -Force).State | Should -Be 'Done'

        $info = Get-SecretInfo -Vault Prod -Name pplx-typed
        $info.Type | Should -Be $Type
        $info.Metadata['Owner'] | Should -Be 'team-a'
        ([datetime]$info.Metadata['Expires']).ToUniversalTime() | Should -Be $expires
        $info.Metadata['PplxRotatedFrom'] | Should -Be $key.Fingerprint
        $now = Get-Secret -Vault Prod -Name pplx-typed
        if ($Type -eq 'PSCredential') { $now.UserName | Should -Be 'svc-user' }
        (Test-PplxToken -Vault Prod -SecretName pplx-typed).Fingerprint | Should -Be $info.Metadata['PplxFingerprint']
        (Get-PplxEmulatorKey $emu $key.Fingerprint).revoked | Should -BeTrue
    }

    It 'refuses to rotate a key that another vault keeps a copy of, before changing anything, unless -AllowSharedKey' {
        Set-Secret -Vault Flaky -Name pplx-dr-copy -SecureStringSecret $old.Key
        $refused = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $refused | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'KeyShared,PerplexityKeys.Commands.InvokePplxRotationCommand'
        $err[0].Exception.Message | Should -Match 'Flaky/pplx-dr-copy'
        @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like 'Prod/pplx-svc/*' }) | Should -BeNullOrEmpty
        Get-PplxLiveHelper Prod pplx-svc | Should -BeNullOrEmpty

        (Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -AllowSharedKey).State | Should -Be 'Done'
        # The copy is of Prod's key, not of the key Flaky's own secret holds: that rotation goes on.
        (Invoke-PplxRotation -Vault Flaky -SecretName pplx-svc -Force).State | Should -Be 'Done'
    }

    It 'refuses to rotate while a vault that may hold a copy cannot be searched (locked), unless -AllowSharedKey' {
        Set-PplxTestVaultFault $flaky -Locked
        $refused = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $refused | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -Be 'KeyCopiesUnknown,PerplexityKeys.Commands.InvokePplxRotationCommand'
        $err[0].Exception.Message | Should -Match "Flaky could not be searched"
        @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like 'Prod/pplx-svc/*' }) | Should -BeNullOrEmpty

        (Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -AllowSharedKey).State | Should -Be 'Done'
        Set-PplxTestVaultFault $flaky
        Assert-Settled Prod pplx-svc $old.Fingerprint
    }

    It 'refuses <Parameter> <Value> at binding, changing nothing' -TestCases @(
        @{ Parameter = 'PropagationDelay'; Value = [timespan]'30000.00:00:00' }
        @{ Parameter = 'PropagationDelay'; Value = [timespan]'-00:00:05' }
        @{ Parameter = 'LockTimeout'; Value = [timespan]'-00:00:01' }
        @{ Parameter = 'VaultCacheWindow'; Value = [timespan]'-00:00:01' }
    ) {
        $arguments = @{ Vault = 'Prod'; SecretName = 'pplx-svc'; Force = $true; $Parameter = $Value }
        { Invoke-PplxRotation @arguments -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,PerplexityKeys.Commands.InvokePplxRotationCommand'
        @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like 'Prod/pplx-svc/*' }) | Should -BeNullOrEmpty
        Get-PplxLiveHelper Prod pplx-svc | Should -BeNullOrEmpty
    }

    It 'says a master key is needed when the current key is already revoked' {
        $old | Revoke-PplxToken -ApiKey $emu.AdminKey -Force
        $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'RotationInterrupted,PerplexityKeys.Commands.InvokePplxRotationCommand'
        $err[0].Exception.Message | Should -Match 'master key'
        $err[0].ErrorDetails.RecommendedAction | Should -Match '-ApiKeySecretName'
        (Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -ApiKey $emu.AdminKey -Force).State | Should -Be 'Done'
    }

    It 'attempts every secret of a batch under ErrorAction Stop and reports <Failing> failure(s) together at the end' -TestCases @(
        @{ Failing = 1; Id = 'SecretTypeInvalid' }
        @{ Failing = 2; Id = 'ItemsFailed' }
    ) {
        $good = New-PplxToken -Vault Prod -SecretName pplx-b-good -ApiKey $emu.AdminKey
        1..$Failing | ForEach-Object { Set-Secret -Vault Prod -Name "pplx-a-bad$_" -Secret @{ not = 'a key' } }
        $holder = @{}
        $results = & {
            $ErrorActionPreference = 'Stop'
            try { Get-SecretInfo -Vault Prod -Name 'pplx-*' | Invoke-PplxRotation -Force } catch { $holder.Caught = $_ }
        }
        $caught = $holder.Caught
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be "$Id,PerplexityKeys.Commands.InvokePplxRotationCommand"
        if ($Failing -gt 1) { $caught.Exception.Errors.Count | Should -Be 2; $caught.Exception.Message | Should -Match 'pplx-a-bad2' }
        # The secrets after the failing ones (in name order) were still rotated.
        ($results | Where-Object SecretName -EQ 'pplx-b-good').State | Should -Be 'Done'
        ($results | Where-Object SecretName -EQ 'pplx-svc').State | Should -Be 'Done'
        (Get-PplxEmulatorKey $emu $good.Fingerprint).revoked | Should -BeTrue
    }

    It 'gives a scheduled task''s script (pwsh -File) a non-zero exit code when one secret of its batch failed, after rotating the rest' {
        $null = New-PplxToken -Vault Prod -SecretName pplx-b-good -ApiKey $emu.AdminKey
        Set-Secret -Vault Prod -Name pplx-a-bad -Secret @{ not = 'a key' }
        $script = Join-Path $env:PPLX_TEST_WORK 'rot.ps1'
        Set-Content $script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:PPLX_TEST_MODULE'
Get-SecretInfo -Vault Prod -Name 'pplx-*' | Invoke-PplxRotation -Force | ForEach-Object { "`$(`$_.SecretName) `$(`$_.State)" }
"@
        $pwsh = Get-PwshCommand
        $out = & $pwsh.FilePath @($pwsh.Arguments) -NoProfile -NonInteractive -File $script 2>&1
        $LASTEXITCODE | Should -Be 1
        ($out -join "`n") | Should -Match 'pplx-b-good Done'
        ($out -join "`n") | Should -Match 'pplx-svc Done'
    }

    It 'rolls back when the new key fails its probe' {
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 401; path = '/v1/models' }
        $result = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'RotationRolledBack,PerplexityKeys.Commands.InvokePplxRotationCommand'
        $result.State | Should -Be 'RolledBack'
        (Test-PplxToken -Vault Prod -SecretName pplx-svc).Fingerprint | Should -Be $old.Fingerprint
        (Get-PplxEmulatorKey $emu $result.NewFingerprint).revoked | Should -BeTrue
        Get-PplxLiveHelper Prod pplx-svc | Should -BeNullOrEmpty
    }

    It 'rolls back when <Case>' -TestCases @(
        @{ Case = 'writing the current secret fails'; Fault = @{ FailNextSet = 'pplx-svc' } }
        @{ Case = 'the current secret reads back stale'; Fault = @{ StaleAfterSet = 'pplx-svc' } }
    ) {
        Set-PplxTestVaultFault $flaky @Fault
        $result = Invoke-PplxRotation -Vault Flaky -SecretName pplx-svc -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'RotationRolledBack,PerplexityKeys.Commands.InvokePplxRotationCommand'
        (Test-PplxToken -Vault Flaky -SecretName pplx-svc).Fingerprint | Should -Be $oldFlaky.Fingerprint
        (Get-PplxEmulatorKey $emu $result.NewFingerprint).revoked | Should -BeTrue
        Get-PplxLiveHelper Flaky pplx-svc | Should -BeNullOrEmpty
    }

    It 'finishes when the old key was already revoked' {
        $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Stage Prepare -Force
        $old | Revoke-PplxToken -ApiKey $emu.AdminKey -Force
        (Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Stage Finish -Force).State | Should -Be 'Done'
        Assert-Settled Prod pplx-svc $old.Fingerprint
    }

    It '-Abort revokes the pending key and leaves the current one' {
        $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Status'; status = 429; retryAfterSeconds = 3600; path = '/v1/models' }
        $stopped = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'RotationInterrupted,PerplexityKeys.Commands.InvokePplxRotationCommand'
        $stopped.State | Should -Be 'Minted'
        $aborted = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Abort -Force
        $aborted.State | Should -Be 'Aborted'
        (Get-PplxEmulatorKey $emu $stopped.NewFingerprint).revoked | Should -BeTrue
        (Test-PplxToken -Vault Prod -SecretName pplx-svc).Fingerprint | Should -Be $old.Fingerprint
        Get-PplxLiveHelper Prod pplx-svc | Should -BeNullOrEmpty
    }

    It 'reports <Case> with its ErrorId and changes nothing' -TestCases @(
        @{ Case = 'a missing vault'; Vault = 'Nope'; Secret = 'pplx-svc'; Id = 'VaultNotFound' }
        @{ Case = 'a missing secret'; Vault = 'Prod'; Secret = 'nope'; Id = 'SecretNotFound' }
    ) {
        $before = Get-Content -Raw $prod.Path
        $null = Invoke-PplxRotation -Vault $Vault -SecretName $Secret -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be "$Id,PerplexityKeys.Commands.InvokePplxRotationCommand"
        Get-Content -Raw $prod.Path | Should -Be $before
    }

    It 'refuses a sibling name the user owns' {
        Set-Secret -Vault Prod -Name pplx-svc-pplx-pending -Secret 'my own thing'
        $before = Get-Content -Raw $prod.Path
        $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'RotationSiblingNameTaken,PerplexityKeys.Commands.InvokePplxRotationCommand'
        Get-Content -Raw $prod.Path | Should -Be $before
    }

    It 'rotates a key stored as a <Kind>' -TestCases @(
        @{ Kind = 'string'; Make = { param($k) $k | Get-PlainText } }
        @{ Kind = 'PSCredential'; Make = { param($k) [pscredential]::new('svc', $k) } }
    ) {
        Set-Secret -Vault Prod -Name pplx-svc -Secret (& $Make $old.Key)
        (Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force).State | Should -Be 'Done'
        Assert-Settled Prod pplx-svc $old.Fingerprint
    }

    It 'refuses a hashtable secret, unchanged' {
        Set-Secret -Vault Prod -Name pplx-svc -Secret @{ key = 'v' }
        $before = Get-Content -Raw $prod.Path
        $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -Be 'SecretTypeInvalid,PerplexityKeys.Commands.InvokePplxRotationCommand'
        Get-Content -Raw $prod.Path | Should -Be $before
    }

    It 'uses a master key from a vault for every mint and revoke' {
        Set-Secret -Vault Prod -Name master -Secret $adminText
        $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -ApiKeySecretName master -ApiKeyVault Prod -Force
        $admin = Invoke-PplxEmulator $emu GET keys | Where-Object name -EQ 'admin (seeded)'
        $calls = Invoke-PplxEmulator $emu GET requests | Where-Object { $_.path -in '/generate_auth_token', '/revoke_auth_token' -and $_.status -eq 200 } | Select-Object -Last 2
        $calls.fingerprint | Should -Be @($admin.fingerprint, $admin.fingerprint)
        Remove-Secret -Vault Prod -Name master -Confirm:$false
        Assert-Settled Prod pplx-svc $old.Fingerprint
    }

    Context 'a pwsh killed mid-rotation, then the same command again' {
        It 'finishes after a kill <Point>' -TestCases @(
            @{ Point = 'while writing the journal'; Hang = 'pplx-svc-pplx-journal' }
            @{ Point = 'while storing the pending key'; Hang = 'pplx-svc-pplx-pending' }
            @{ Point = 'while keeping the previous key'; Hang = 'pplx-svc-pplx-previous' }
            @{ Point = 'while promoting the new key'; Hang = 'pplx-svc' }
            @{ Point = 'during the mint'; Path = '/generate_auth_token' }
            @{ Point = 'during the probe of the new key'; Path = '/v1/models' }
            @{ Point = 'during the revocation of the old key'; Path = '/revoke_auth_token' }
        ) {
            if ($Hang) { Set-PplxTestVaultFault $flaky -HangOnSet $Hang }
            else { $null = Invoke-PplxEmulator $emu POST faults @{ kind = 'Delay'; delayMs = 600000; path = $Path } }
            $child = Start-PplxChildScript 'Invoke-TestRotation.ps1' @('-Vault', 'Flaky', '-SecretName', 'pplx-svc')
            try {
                if ($Hang) { Wait-PplxCondition { Test-Path "$($flaky.Path).hanging" } -Because "the child to hang $Point" }
                else { Wait-PplxCondition { (Invoke-PplxEmulator $emu GET inflight).$Path } -Because "the child to reach $Path" }
            }
            finally {
                $child.Kill($true)
                $child.WaitForExit()
                Remove-Item "$($flaky.Path).hanging" -ErrorAction Ignore
            }
            (Test-PplxToken -Vault Flaky -SecretName pplx-svc).Status | Should -Be 'Valid' -Because 'the secret held a working key at the moment of the kill'

            $rerun = Invoke-PplxRotation -Vault Flaky -SecretName pplx-svc -Force
            $rerun.State | Should -Be 'Done'
            Assert-Settled Flaky pplx-svc $oldFlaky.Fingerprint $rerun.PossibleOrphans
            # A key minted but never stored can only be reported by name; everything else is revoked.
            $live = @(Invoke-PplxEmulator $emu GET keys | Where-Object { $_.name -like 'Flaky/pplx-svc/*' -and -not $_.revoked })
            $live.Count | Should -Be (1 + @($live | Where-Object name -In $rerun.PossibleOrphans).Count)
        }
    }

    It 'a second rotation of the same secret fails cleanly against the lock, minting nothing' {
        Set-PplxTestVaultFault $flaky -HangOnSet 'pplx-svc-pplx-pending'
        $child = Start-PplxChildScript 'Invoke-TestRotation.ps1' @('-Vault', 'Flaky', '-SecretName', 'pplx-svc')
        try {
            Wait-PplxCondition { Test-Path "$($flaky.Path).hanging" } -Because 'the first rotation to hold the lock'
            $mints = @(Invoke-PplxEmulator $emu GET requests | Where-Object path -EQ '/generate_auth_token').Count
            $null = Invoke-PplxRotation -Vault Flaky -SecretName pplx-svc -Force -LockTimeout '00:00:00.5' -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -Be 'RotationLockTimeout,PerplexityKeys.Commands.InvokePplxRotationCommand'
            @(Invoke-PplxEmulator $emu GET requests | Where-Object path -EQ '/generate_auth_token').Count | Should -Be $mints
        }
        finally {
            $child.Kill($true); $child.WaitForExit()
            Remove-Item "$($flaky.Path).hanging" -ErrorAction Ignore
        }
        (Invoke-PplxRotation -Vault Flaky -SecretName pplx-svc -Force).State | Should -Be 'Done'
    }

    It 'tells a scheduled task the truth through its exit code' {
        $child = Start-PplxChildScript 'Invoke-TestRotation.ps1' @('-Vault', 'Prod', '-SecretName', 'pplx-svc')
        $child.WaitForExit(); $child.ExitCode | Should -Be 0
        $child = Start-PplxChildScript 'Invoke-TestRotation.ps1' @('-Vault', 'Prod', '-SecretName', 'missing')
        $child.WaitForExit(); $child.ExitCode | Should -Not -Be 0
    }

    It 'keeps a consumer in another process that re-reads <Kind> on 401 free of failed requests, with the default propagation delay' -TestCases @(
        @{ Kind = 'a file vault'; Vault = 'Prod' }
        @{ Kind = 'a SecretStore-like vault (cached per process, reloaded after its window)'; Vault = 'Cached' }
    ) {
        if ($Vault -eq 'Cached') {
            $null = New-PplxTestVault -Kind Store -Name Cached -CacheSeconds 1
            $null = New-PplxToken -TokenName 'cached original' -Vault Cached -SecretName pplx-svc -ApiKey $emu.AdminKey
        }
        $work = $env:PPLX_TEST_WORK
        $stop = Join-Path $work 'stop'; $resultFile = Join-Path $work 'consumer.json'
        Remove-Item $stop, $resultFile, "$resultFile.started" -ErrorAction Ignore
        $consumer = Start-PplxChildScript 'Consumer.ps1' @('-Vault', $Vault, '-SecretName', 'pplx-svc', '-StopFile', $stop, '-ResultFile', $resultFile, '-RereadMs', '100')
        try {
            Wait-PplxCondition { Test-Path "$resultFile.started" } -Because 'the consumer to start'
            $rotations = 1..5 | ForEach-Object { Invoke-PplxRotation -Vault $Vault -SecretName pplx-svc -Force }
        }
        finally {
            Set-Content $stop 'stop'
            if (-not $consumer.WaitForExit(30000)) { $consumer.Kill($true) }
        }
        $rotations.State | Should -Be @('Done', 'Done', 'Done', 'Done', 'Done')
        $load = Get-Content -Raw $resultFile | ConvertFrom-Json
        $load.requests | Should -BeGreaterThan 10
        $load.failed | Should -Be 0
    }
}
