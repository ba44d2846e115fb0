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
