# The samples/ a server admin starts from, run as a scheduler runs them: the rotation script itself in a fresh pwsh
# with -NonInteractive and stdin closed, against the emulator and a test vault; its exit codes are its contract.

BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator
    $samples = Join-Path $PSScriptRoot '../../samples'
    $script = Join-Path $samples 'Invoke-PplxScheduledRotation.ps1'

    function Invoke-Sample([string[]] $ArgumentList) {
        # The environment this process has (HOME with the test registry, PSModulePath with the double, the emulator).
        Invoke-PplxChildPwsh -Arguments '-NonInteractive' -File $script -ArgumentList (@('-ModulePath', $env:PPLX_TEST_MODULE) + $ArgumentList)
    }
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'samples/Invoke-PplxScheduledRotation.ps1' {
    BeforeEach {
        Initialize-PplxTestWorld $emu
        $audit = Join-Path $env:PPLX_TEST_WORK 'rotation.jsonl'
        $a = New-PplxToken -TokenName a -Vault Prod -SecretName pplx-a
        $b = New-PplxToken -TokenName b -Vault Prod -SecretName pplx-b
        $env:PERPLEXITY_API_KEY = $null   # each key authorizes its own rotation, as on a server
        $keysBefore = @(Invoke-PplxEmulator $emu GET keys).Count
    }

    It 'exits 0 and changes nothing when no key is due' {
        $run = Invoke-Sample @('-Vault', 'Prod', '-MaxAge', '30.00:00:00', '-AuditLog', $audit)

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Output | Should -Match 'pplx-a: Start \(not due\)'
        (Get-Secret -Vault Prod -Name pplx-a | Get-PlainText) | Should -Be ($a.Key | Get-PlainText)
    }

    It 'exits 0 when every due key was rotated, and audits each' {
        $run = Invoke-Sample @('-Vault', 'Prod', '-MaxAge', '00:00:00', '-AuditLog', $audit)

        $run.ExitCode | Should -Be 0 -Because $run.Text
        $run.Output | Should -Match 'pplx-a: Done'
        $run.Output | Should -Match 'pplx-b: Done'
        (Get-Secret -Vault Prod -Name pplx-a | Get-PlainText) | Should -Not -Be ($a.Key | Get-PlainText)
        $revoked = @(Get-Content $audit | ConvertFrom-Json | Where-Object { $_.step -eq 'RevokeOld' -and $_.outcome -eq 'Revoked' })
        $revoked.Count | Should -Be 2 -Because (Get-Content -Raw $audit)
    }

    It 'exits 1 when some keys failed, and still rotates the others' {
        # pplx-a's key is revoked: it cannot authorize its own rotation.
        $a | Revoke-PplxToken -ApiKey $emu.AdminKey -Force

        $run = Invoke-Sample @('-Vault', 'Prod', '-MaxAge', '00:00:00', '-AuditLog', $audit)

        $run.ExitCode | Should -Be 1 -Because $run.Text
        $run.Output | Should -Match 'pplx-b: Done'
        $run.Errors | Should -Match 'pplx-a'
        (Get-Secret -Vault Prod -Name pplx-b | Get-PlainText) | Should -Not -Be ($b.Key | Get-PlainText)
    }

    It 'exits 2 and changes nothing when nothing could run: <Case>' -ForEach @(
        @{ Case = 'the vault is not registered'; Arguments = @('-Vault', 'Nope') }
        @{ Case = 'the password file is missing'; Arguments = @('-Vault', 'Prod', '-VaultPasswordFile', '/nonexistent/vault.txt') }
        @{ Case = 'the module cannot be loaded'; Arguments = @('-Vault', 'Prod'); Module = '/nonexistent/PerplexityKeys' }
    ) {
        $arguments = @('-MaxAge', '00:00:00', '-AuditLog', $audit) + $Arguments
        $run = if ($Module) { Invoke-PplxChildPwsh -Arguments '-NonInteractive' -File $script -ArgumentList (@('-ModulePath', $Module) + $arguments) }
               else { Invoke-Sample $arguments }

        $run.ExitCode | Should -Be 2 -Because $run.Text
        (Get-Secret -Vault Prod -Name pplx-a | Get-PlainText) | Should -Be ($a.Key | Get-PlainText)
        @(Invoke-PplxEmulator $emu GET keys).Count | Should -Be $keysBefore -Because 'nothing was minted'
    }
}

Describe 'The scheduler set-ups' {
    It 'the Task Scheduler registration script parses and runs on Windows PowerShell 5.1' {
        @(Get-PplxNewerSyntax (Join-Path $samples 'Register-PplxRotationTask.ps1')) | Should -BeNullOrEmpty
        @(Get-PplxNewerSyntax $script) | Should -BeNullOrEmpty
        (Get-Content -Raw (Join-Path $samples 'Register-PplxRotationTask.ps1')) | Should -Match "-NonInteractive.*Invoke-PplxScheduledRotation\.ps1|Invoke-PplxScheduledRotation\.ps1"
    }

    It 'the systemd service runs the sample non-interactively with stdin closed, and the timer starts it' {
        $service = Get-Content (Join-Path $samples 'systemd/pplx-rotation.service')
        ($service | Where-Object { $_ -like 'ExecStart=*' }) | Should -Match '-NonInteractive -File /opt/pplx-rotation/Invoke-PplxScheduledRotation\.ps1 -Vault \S+ .*-AuditLog '
        $service | Should -Contain 'StandardInput=null'
        $service | Should -Contain 'Type=oneshot'
        $service | Should -Not -Contain 'PrivateTmp=yes' -Because 'the rotation lock lives in the shared /tmp'
        $timer = Get-Content (Join-Path $samples 'systemd/pplx-rotation.timer')
        $timer | Should -Contain 'Persistent=true'
        ($timer | Where-Object { $_ -like 'OnCalendar=*' }) | Should -Not -BeNullOrEmpty
    }
}
