# The module beside another module that brings its own Polly.Core (8.4.2) into the session, in both orders
# (docs/loading.md): on PowerShell 7 each keeps its copy, ours in the module's own load context.

BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'PerplexityKeys beside a module with another Polly.Core' {
    BeforeEach {
        Initialize-PplxTestWorld $emu
        $null = New-PplxToken -TokenName svc -Vault Prod -SecretName pplx-svc
    }

    It 'rotates, and the other module keeps working, when <Order> is imported first' -ForEach @(
        @{ Order = 'OtherFirst' }
        @{ Order = 'OursFirst' }
    ) {
        $resultFile = Join-Path $env:PPLX_TEST_WORK "beside-$Order.json"
        $child = Start-PplxChildScript 'Invoke-BesideOtherPolly.ps1' @('-Order', $Order, '-Vault', 'Prod', '-SecretName', 'pplx-svc', '-ResultFile', $resultFile)
        if (-not $child.WaitForExit(120000)) { $child.Kill(); throw 'The child pwsh did not end within 120 s.' }
        $report = Get-Content -Raw $resultFile | ConvertFrom-Json

        $report.steps.'import PerplexityKeys' | Should -Be 'Done'
        $report.steps.'import OtherPolly' | Should -Be 'Done'
        $report.steps.'other pipeline' | Should -Match '^2 attempts on 8\.4\.2'
        $report.steps.rotation | Should -Be 'Done'
        $report.steps.'other pipeline after' | Should -Match '^2 attempts on 8\.4\.2'
        $report.pollys.Count | Should -Be 2 -Because 'each module keeps its own Polly.Core'
        ($report.pollys | Where-Object location -Like '*OtherPolly*').context | Should -Be 'Default'
        ($report.pollys | Where-Object location -Like "*$([IO.Path]::DirectorySeparatorChar)lib$([IO.Path]::DirectorySeparatorChar)Polly.Core.dll").context | Should -Be 'PerplexityKeys'
    }
}
