# The Windows PowerShell 5.1 smoke test of .ci/azure-pipelines-windows.yml cannot run here (no Windows): it is held to
# 5.1's syntax and run under this pwsh with -AnyEdition, against the laid-out module and the emulator.
BeforeAll {
    Import-Module $env:PPLX_TEST_SUPPORT
    $script = Join-Path $PSScriptRoot '../../.ci/Test-WindowsPowerShell.ps1'
}

Describe 'The Windows PowerShell 5.1 smoke test (.ci/Test-WindowsPowerShell.ps1)' {
    It 'parses, and uses no syntax newer than PowerShell 5.1' {
        @(Get-PplxNewerSyntax $script) | Should -BeNullOrEmpty
    }

    It 'imports the module, probes and mints against the emulator (here under pwsh)' {
        $pwsh = Get-PwshCommand
        $output = & $pwsh.FilePath @($pwsh.Arguments) -NoProfile -NonInteractive -File $script -AnyEdition 2>&1
        $LASTEXITCODE | Should -Be 0 -Because ($output | Out-String)
        $output | Should -Contain 'Windows PowerShell smoke: passed'
        ($output -join "`n") | Should -Match 'probe: pplx-\S+ Valid'
        ($output -join "`n") | Should -Match 'mint: pplx-\S+ Valid'
    }
}
