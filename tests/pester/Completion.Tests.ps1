# Tab completion at the keyboard: vault names from SecretManagement's registry, secret names of the vault on the command
# line (not the rotation's helpers), never a prompt and never an unlock.

BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator

    function Complete([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
    }
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'Completion of vault and secret names' {
    BeforeEach {
        Initialize-PplxTestWorld $emu
        $null = New-PplxToken -TokenName svc -Vault Prod -SecretName pplx-svc
        $null = New-PplxToken -TokenName odd -Vault Prod -SecretName "pplx it's odd"
        $null = New-PplxToken -TokenName other -Vault Flaky -SecretName pplx-other
        $null = Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -PropagationDelay 0   # leaves its helpers idle
    }

    It 'completes -Vault with the registered vaults, for <Command>' -ForEach @(
        @{ Command = 'Test-PplxToken' }, @{ Command = 'Invoke-PplxRotation' }, @{ Command = 'New-PplxToken -TokenName x' }, @{ Command = 'Revoke-PplxToken' }
    ) {
        Complete "$Command -Vault Pr" | Should -Be @('Prod')
        Complete "$Command -Vault " | Should -Be @('Flaky', 'Prod')
    }

    It 'completes -EnvironmentVariable with the names of environment variables, for <Command>' -ForEach @(
        @{ Command = 'Test-PplxToken' }, @{ Command = 'Revoke-PplxToken' }
    ) {
        $env:PPLX_COMPLETE_ALPHA = 'pplx-value-never-shown'; $env:PPLX_COMPLETE_BETA = 'x'
        try {
            $names = Complete "$Command -EnvironmentVariable pplx_complete_"
            $names | Should -Be @('PPLX_COMPLETE_ALPHA', 'PPLX_COMPLETE_BETA')
            (TabExpansion2 -inputScript "$Command -EnvironmentVariable PPLX_COMPLETE_A" -cursorColumn ("$Command -EnvironmentVariable PPLX_COMPLETE_A".Length)).CompletionMatches |
                ForEach-Object { $_.ToolTip, $_.ListItemText } | Should -Not -Contain 'pplx-value-never-shown'
        }
        finally { $env:PPLX_COMPLETE_ALPHA = $null; $env:PPLX_COMPLETE_BETA = $null }
    }

    It 'completes -SecretName with the secrets of -Vault, without the rotation''s helpers, quoting odd names' {
        $names = Complete 'Test-PplxToken -Vault Prod -SecretName pplx'
        $names | Should -Contain 'pplx-svc'
        $names | Should -Contain "'pplx it''s odd'"
        $names | Should -Not -Contain 'pplx-other' -Because 'it is in another vault'
        @($names | Where-Object { $_ -like '*-pplx-*' }) | Should -BeNullOrEmpty -Because 'helper secrets are the rotation''s, not the user''s'
    }

    It 'completes -ApiKeySecretName with the secrets of -ApiKeyVault' {
        Complete 'New-PplxToken -ApiKeyVault Flaky -ApiKeySecretName pplx' | Should -Be @('pplx-other')
        Complete 'Revoke-PplxToken -ApiKeyVault Flaky -ApiKeySecretName pplx' | Should -Be @('pplx-other')
    }

    It 'completes nothing from a locked vault: no wait for a password, no unlock' {
        $null = New-PplxTestVault -Kind Store -Name Locked -Password 'test-pass'
        $script = @'
$sw = [Diagnostics.Stopwatch]::StartNew()
$line = 'Test-PplxToken -Vault Locked -SecretName p'
$found = @((TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | ForEach-Object CompletionText)
"found: $($found.Count) in $([int]$sw.Elapsed.TotalSeconds) s: $found"
try { $null = Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault Locked -ErrorAction Stop; 'still: unlocked' } catch { 'still: locked' }
'@
        $run = Invoke-PplxChildPwsh -Arguments '-NonInteractive' -Command ("Import-Module '$env:PPLX_TEST_MODULE'; " + $script)

        # Under 3 s: the call failed at once (a call that waited for a password would be stopped at 3 s). The test
        # vault prints SecretStore's prompt text even where nobody is asked, as the real one does under -NonInteractive.
        $run.Output | Should -Match 'found: 0 in [0-2] s'
        $run.Output | Should -Match 'still: locked'
    }
}
