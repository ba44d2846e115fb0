# The test vaults themselves: StoreVault must hurt a caller where SecretStore does (§9 of
# shared/secretmanagement.md) and KeyVaultLikeVault where Azure Key Vault does (§10). Whatever
# crosses processes is shown with real child processes. Windows are short to keep this fast.

BeforeAll {
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force

    function Get-Messages([System.Management.Automation.ErrorRecord] $Record) {
        # Every message along the exception chain: SecretManagement wraps a vault's own reason.
        for ($e = $Record.Exception; $e; $e = $e.InnerException) { $e.Message }
    }

    function Invoke-LockedVaultCall([string] $Vault, [switch] $NonInteractive) {
        # Invoke-VaultFunction.ps1 with stdin closed at once, as under a scheduled task: the vault's
        # Get-Secret, called as SecretManagement calls it. Returns the call's outcome and stderr.
        $pwsh = Get-PwshCommand
        $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
        $arguments = @($pwsh.Arguments) + @('-NoProfile') + $(if ($NonInteractive) { @('-NonInteractive') } else { @() }) +
            @('-File', (Join-Path $PSScriptRoot '../../testkit/Invoke-VaultFunction.ps1'), '-Vault', $Vault, '-Function', 'Get-Secret', '-Name', 'x')
        foreach ($a in $arguments) { $psi.ArgumentList.Add($a) }
        $psi.UseShellExecute = $false
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $process = [System.Diagnostics.Process]::Start($psi)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(120000)) { $process.Kill(); throw 'The vault call did not end within 120 s.' }
        $line = $stdout.Result -split "`n" | Where-Object { $_.StartsWith('PPLX-VAULT-CALL ') } | Select-Object -First 1
        if (-not $line) { throw "The vault call printed no outcome. stderr: $($stderr.Result)" }
        [pscustomobject]@{ Call = $line.Substring('PPLX-VAULT-CALL '.Length) | ConvertFrom-Json; Stderr = $stderr.Result }
    }
}

Describe 'StoreVault, like SecretStore' {
    BeforeEach {
        $null = Use-PplxTestRegistry   # a fresh folder, so every store file is new to this process's cache
        $clients = [System.Collections.Generic.List[object]]::new()
    }
    AfterEach {
        foreach ($c in $clients) { Stop-PplxVaultClient $c }
    }

    Context 'metadata, in one process' {
        BeforeEach { $store = New-PplxTestVault -Kind Store -Name S }

        It 'keeps string, int and DateTime metadata with their types, and refuses any other type without writing the secret' {
            $when = [datetime]::new(2026, 1, 2, 3, 4, 5, [DateTimeKind]::Utc)
            Set-Secret -Vault S -Name ok -Secret 'v' -Metadata @{ s = 'text'; i = 7; d = $when }
            $md = (Get-SecretInfo -Vault S -Name ok).Metadata
            $md['s'] | Should -BeOfType ([string])
            $md['i'] | Should -BeOfType ([int])
            $md['d'] | Should -Be $when
            foreach ($bad in @{ b = $true }, @{ l = [long]1 }, @{ n = 1.5 }) {
                Set-Secret -Vault S -Name refused -Secret 'v' -Metadata $bad -ErrorVariable err -ErrorAction SilentlyContinue
                $err[0].FullyQualifiedErrorId | Should -BeLike 'StoreVaultSetSecretFailed,*'
                $err[0].Exception | Should -BeOfType ([System.Management.Automation.ItemNotFoundException])
                Get-SecretInfo -Vault S -Name refused | Should -BeNullOrEmpty
            }
        }

        It 'resets the metadata when a secret is overwritten, and Set-SecretInfo replaces it whole' {
            Set-Secret -Vault S -Name a -Secret 'one' -Metadata @{ Owner = 'me'; Round = 1 }
            Set-Secret -Vault S -Name a -Secret 'two'
            (Get-SecretInfo -Vault S -Name a).Metadata.Count | Should -Be 0
            Set-SecretInfo -Vault S -Name a -Metadata @{ Owner = 'me'; Round = 2 }
            Set-SecretInfo -Vault S -Name a -Metadata @{ Round = 3 }
            $md = (Get-SecretInfo -Vault S -Name a).Metadata
            $md.Keys | Should -Be @('Round')
            $md['Round'] | Should -Be 3
            Set-SecretInfo -Vault S -Name a -Metadata @{ b = $true } -ErrorVariable err -ErrorAction SilentlyContinue
            $err[0].FullyQualifiedErrorId | Should -BeLike 'StoreVaultSetSecretInfoFailed,*'
            (Get-SecretInfo -Vault S -Name a).Metadata['Round'] | Should -Be 3
        }
    }

    Context 'one copy of the store per process' {
        BeforeEach { $store = New-PplxTestVault -Kind Store -Name S -CacheSeconds 3 }

        It 'serves another process the old value within the window after a change, and the new one after it' {
            Set-Secret -Vault S -Name a -Secret 'one'
            $other = Start-PplxVaultClient -Vault S; $clients.Add($other)
            (Invoke-PplxVaultClient $other @{ op = 'get'; name = 'a' }).value | Should -Be 'one'

            Set-Secret -Vault S -Name a -Secret 'two'
            $writtenAt = [DateTime]::UtcNow
            Get-Secret -Vault S -Name a -AsPlainText | Should -Be 'two' -Because 'a process sees its own writes at once'
            (Invoke-PplxVaultClient $other @{ op = 'get'; name = 'a' }).value | Should -Be 'one' -Because 'the other process still has its old copy'

            # The debounce is what is tested here, so the wait is bounded by the window itself.
            Wait-PplxCondition { (Invoke-PplxVaultClient $other @{ op = 'get'; name = 'a' }).value -eq 'two' } -TimeoutSeconds 13 -Because 'the other process to reload'
            ([DateTime]::UtcNow - $writtenAt).TotalSeconds | Should -BeGreaterOrEqual 2.7 -Because 'it reloads only when the change is CacheSeconds old'
        }

        It 'loses a write when another process writes from its stale copy within the window, and the history shows the loss' {
            # Made-up key-shaped values, so that the write history records their tails.
            Set-Secret -Vault S -Name a -Secret 'pplx-a-0001'
            Set-Secret -Vault S -Name b -Secret 'pplx-b-0001'
            $other = Start-PplxVaultClient -Vault S; $clients.Add($other)
            (Invoke-PplxVaultClient $other @{ op = 'get'; name = 'b' }).value | Should -Be 'pplx-…0001'

            Set-Secret -Vault S -Name a -Secret 'pplx-a-0002'
            (Invoke-PplxVaultClient $other @{ op = 'set'; name = 'b'; value = 'pplx-b-0002' }).ok | Should -BeTrue
            Get-Secret -Vault S -Name a -AsPlainText | Should -Be 'pplx-a-0002' -Because "the writer's read-back reads its own copy and cannot see the loss"

            Wait-PplxCondition { (Get-Secret -Vault S -Name a -AsPlainText) -eq 'pplx-a-0001' } -TimeoutSeconds 13 -Because 'this process to reload the file the other one rewrote'
            Get-Secret -Vault S -Name b -AsPlainText | Should -Be 'pplx-b-0002'
            $history = Get-Content "$($store.Path).history.jsonl" | ConvertFrom-Json
            ($history | Where-Object name -EQ 'a' | Select-Object -Last 1).tail | Should -Be '0001' -Because 'the chaos replay must see what the file holds'
        }

        It 'gives a date written as a string back as a string in the writing process and as a DateTime in others' {
            Set-Secret -Vault S -Name a -Secret 'v' -Metadata @{ Expires = '2026-12-31T00:00:00.0000000Z'; Round = 2 }
            (Get-SecretInfo -Vault S -Name a).Metadata['Expires'] | Should -BeOfType ([string])
            $other = Start-PplxVaultClient -Vault S; $clients.Add($other)
            $info = (Invoke-PplxVaultClient $other @{ op = 'info'; name = 'a' }).infos[0]
            $info.metadataTypes.Expires | Should -Be 'System.DateTime'
            $info.metadataTypes.Round | Should -Be 'System.Int32'
        }
    }

    Context 'password, relock and prompt' {
        It 'starts locked in every process, refuses a wrong password, and relocks PasswordTimeout after an unlock' {
            $store = New-PplxTestVault -Kind Store -Name L -Password 'test-pass' -PasswordTimeout 2 -Interaction None
            Unlock-SecretVault -Name L -Password (ConvertTo-SecureString 'test-pass' -AsPlainText -Force)
            Set-Secret -Vault L -Name x -Secret 'value-x'

            $other = Start-PplxVaultClient -Vault L; $clients.Add($other)
            $r = Invoke-PplxVaultClient $other @{ op = 'get'; name = 'x' }
            $r.ok | Should -BeFalse -Because 'an unlock in one process does not unlock another'
            $r.exceptions | Should -Contain 'Microsoft.PowerShell.SecretManagement.PasswordRequiredException'
            $r = Invoke-PplxVaultClient $other @{ op = 'info'; name = '*' }
            $r.exceptions | Should -Contain 'Microsoft.PowerShell.SecretManagement.PasswordRequiredException' -Because 'never unlocked, even the infos are locked'

            $r = Invoke-PplxVaultClient $other @{ op = 'unlock'; password = 'wrong' }
            $r.ok | Should -BeFalse
            $r.error | Should -Be 'StoreVaultUnlockFailed'
            $r.exceptions | Should -Contain 'System.Security.Authentication.AuthenticationException'
            (Invoke-PplxVaultClient $other @{ op = 'get'; name = 'x' }).ok | Should -BeFalse

            (Invoke-PplxVaultClient $other @{ op = 'unlock'; password = 'test-pass' }).ok | Should -BeTrue
            $unlockedAt = [DateTime]::UtcNow
            (Invoke-PplxVaultClient $other @{ op = 'get'; name = 'x' }).value | Should -Be 'value-x'

            # The relock is what is tested here, so the wait is bounded by PasswordTimeout itself.
            Wait-PplxCondition { -not (Invoke-PplxVaultClient $other @{ op = 'get'; name = 'x' }).ok } -TimeoutSeconds 12 -Because 'the store to relock'
            ([DateTime]::UtcNow - $unlockedAt).TotalSeconds | Should -BeGreaterOrEqual 1.8
            $r = Invoke-PplxVaultClient $other @{ op = 'set'; name = 'x'; value = 'value-y' }
            $r.exceptions | Should -Contain 'Microsoft.PowerShell.SecretManagement.PasswordRequiredException'
            $r = Invoke-PplxVaultClient $other @{ op = 'info'; name = '*' }
            $r.ok | Should -BeTrue -Because 'SecretStore still lists infos after a timed relock'
            $r.infos.name | Should -Be @('x')
        }

        It 'prompts when locked and, with stdin closed in an interactive-looking process, stops the call with no error record' {
            $null = New-PplxTestVault -Kind Store -Name P -Password 'test-pass'
            $r = Invoke-LockedVaultCall -Vault P
            $r.Stderr | Should -Match 'Vault P requires a password\. Enter password:'
            $r.Call.state | Should -Be 'Stopped'
            $r.Call.reason | Should -Be 'System.Management.Automation.PipelineStoppedException'
            $r.Call.errors | Should -Be 0
            $r.Call.exceptions | Should -BeNullOrEmpty -Because 'Invoke returns normally; only its state tells'
        }

        It 'prompts when locked and, under -NonInteractive, fails with PasswordRequiredException' {
            $null = New-PplxTestVault -Kind Store -Name P -Password 'test-pass'
            $r = Invoke-LockedVaultCall -Vault P -NonInteractive
            $r.Stderr | Should -Match 'Vault P requires a password\. Enter password:'
            $r.Call.state | Should -Be 'Failed'
            $r.Call.exceptions | Should -Contain 'Microsoft.PowerShell.SecretManagement.PasswordRequiredException'
        }

        It 'with -Interaction None, fails with PasswordRequiredException and prints no prompt' {
            $null = New-PplxTestVault -Kind Store -Name P -Password 'test-pass' -Interaction None
            $r = Invoke-LockedVaultCall -Vault P
            $r.Stderr | Should -Not -Match 'requires a password'
            $r.Call.state | Should -Be 'Failed'
            $r.Call.exceptions | Should -Contain 'Microsoft.PowerShell.SecretManagement.PasswordRequiredException'
        }
    }
}

Describe 'KeyVaultLikeVault, like Azure Key Vault' {
    BeforeEach {
        $null = Use-PplxTestRegistry
        $kv = New-PplxTestVault -Kind KeyVault -Name K
    }

    It 'has no metadata: its Set-Secret takes none, it has no Set-SecretInfo, and SecretManagement refuses metadata for it' {
        # Read in a runspace of its own: importing the vault here would shadow SecretManagement's cmdlets.
        $ps = [powershell]::Create()
        $null = $ps.AddScript({
                param($Path)
                $m = Import-Module $Path -PassThru
                [pscustomobject]@{ Functions = @($m.ExportedFunctions.Keys); SetSecretParameters = @((Get-Command "$($m.Name)\Set-Secret").Parameters.Keys) }
            }).AddArgument((Join-Path $PSScriptRoot '../../testkit/vaults/KeyVaultLikeVault/KeyVaultLikeVault.Extension'))
        $shape = $ps.Invoke()[0]
        $ps.Dispose()
        $shape.Functions | Should -Not -Contain 'Set-SecretInfo'
        $shape.SetSecretParameters | Should -Not -Contain 'Metadata'
        foreach ($f in 'Get-Secret', 'Set-Secret', 'Remove-Secret', 'Get-SecretInfo', 'Test-SecretVault') { $shape.Functions | Should -Contain $f }

        Set-Secret -Vault K -Name plain -Secret 'v'
        (Get-SecretInfo -Vault K -Name plain).Metadata | Should -BeNullOrEmpty
        Set-Secret -Vault K -Name with-md -Secret 'v' -Metadata @{ a = 'b' } -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'SetSecretMetadataCommandNotSupported,*'
        Get-SecretInfo -Vault K -Name with-md | Should -BeNullOrEmpty
        Get-PplxTestVaultDeletedSecret $kv | Should -Be @('with-md') -Because "SecretManagement's clean-up is a Remove-Secret, so a soft delete"
    }

    It 'takes names of letters, digits and dashes up to 127 characters and refuses anything else' {
        foreach ($good in 'svc-A1', ('a' * 127)) {
            Set-Secret -Vault K -Name $good -Secret 'v'
            Get-Secret -Vault K -Name $good -AsPlainText | Should -Be 'v'
        }
        foreach ($bad in 'svc.a', 'svc_a', 'svc a', 'svc[1]', 'svcé', ('a' * 128)) {
            Set-Secret -Vault K -Name $bad -Secret 'v' -ErrorVariable err -ErrorAction SilentlyContinue
            $err | Should -Not -BeNullOrEmpty -Because "'$bad' is not a Key Vault name"
            (Get-Messages $err[0]) -join ' ' | Should -Match 'is invalid'
            { Get-Secret -Vault K -Name $bad -ErrorAction Stop } | Should -Throw
        }
        @(Get-SecretInfo -Vault K).Count | Should -Be 2
    }

    It 'soft-deletes: a removed name is hidden and cannot be written again until purged' {
        Set-Secret -Vault K -Name svc-a -Secret 'one'
        Remove-Secret -Vault K -Name svc-a -Confirm:$false
        Get-Secret -Vault K -Name svc-a -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        Get-SecretInfo -Vault K | Should -BeNullOrEmpty
        Get-PplxTestVaultDeletedSecret $kv | Should -Be @('svc-a')

        Set-Secret -Vault K -Name SVC-A -Secret 'two' -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -Not -BeNullOrEmpty
        (Get-Messages $err[0]) -join ' ' | Should -Match 'Secret SVC-A is currently in a deleted but recoverable state, and its name cannot be reused'
        Get-SecretInfo -Vault K | Should -BeNullOrEmpty
        Remove-Secret -Vault K -Name svc-a -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -Not -BeNullOrEmpty -Because 'a deleted secret is not there to remove'

        Remove-PplxTestVaultDeletedSecret $kv -Name svc-a
        Get-PplxTestVaultDeletedSecret $kv | Should -BeNullOrEmpty
        Set-Secret -Vault K -Name svc-a -Secret 'two'
        Get-Secret -Vault K -Name svc-a -AsPlainText | Should -Be 'two'
    }

    It 'overwrites an existing secret (a new version) without any deleted state' {
        Set-Secret -Vault K -Name svc-a -Secret 'one'
        Set-Secret -Vault K -Name svc-a -Secret 'two'
        Get-Secret -Vault K -Name svc-a -AsPlainText | Should -Be 'two'
        Get-PplxTestVaultDeletedSecret $kv | Should -BeNullOrEmpty
    }
}
