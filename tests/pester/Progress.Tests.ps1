# Write-Progress: a bar for the items of a batch and for a rotation's propagation wait, closed by a Completed record,
# and nothing at all when $ProgressPreference is SilentlyContinue. Read from a PowerShell instance's progress stream.

BeforeAll {
    Import-Module $env:PPLX_TEST_MODULE -Force
    Import-Module $env:PPLX_TEST_SUPPORT -Force
    Import-Module Microsoft.PowerShell.SecretManagement -Force
    $emu = Start-PplxEmulator

    function Get-ProgressOf([string] $Script, [string] $Preference = 'Continue') {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("`$ProgressPreference = '$Preference'; Import-Module '$env:PPLX_TEST_MODULE'; $Script").Invoke()
            $ps.Streams.Error | ForEach-Object { throw $_ }
            @($ps.Streams.Progress)
        }
        finally { $ps.Dispose() }
    }
}

AfterAll {
    Stop-PplxEmulator $emu
}

Describe 'Progress' {
    BeforeEach {
        Initialize-PplxTestWorld $emu
        $null = New-PplxToken -TokenName svc -Vault Prod -SecretName pplx-svc
        1..3 | ForEach-Object { $null = New-PplxToken -TokenName "k$_" -Vault Prod -SecretName "pplx-k$_" }
    }

    It 'shows the items of a batch from the second on, and closes the bar' {
        $progress = Get-ProgressOf "'pplx-k1', 'pplx-k2', 'pplx-k3' | ForEach-Object { Microsoft.PowerShell.SecretManagement\Get-Secret -Vault Prod -Name `$_ } | Test-PplxToken"

        @($progress | Where-Object StatusDescription -Match '^Item [23]: probing pplx-').Count | Should -Be 2
        $progress[-1].RecordType | Should -Be 'Completed'
        $progress[-1].Activity | Should -Be 'Test-PplxToken'
    }

    It 'shows the items of <Command> too' -ForEach @(
        @{ Command = 'New-PplxToken'; Script = "'n1', 'n2', 'n3' | New-PplxToken"; Status = '^Item [23]: minting ' }
        @{ Command = 'Get-PplxToken'; Script = 'Get-PplxToken -Vault Prod'; Status = '^Item \d+: reading ' }
    ) {
        $progress = Get-ProgressOf $Script

        @($progress | Where-Object StatusDescription -Match $Status).Count | Should -BeGreaterOrEqual 2
        $progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'counts down the propagation wait of a rotation, and closes the bar' {
        $progress = Get-ProgressOf "Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -PropagationDelay 00:00:03"

        $waits = @($progress | Where-Object StatusDescription -Match 'waiting for consumers to pick up the new key: \d\d:\d\d:\d\d left')
        $waits.Count | Should -BeGreaterOrEqual 2 -Because 'the bar is refreshed while the wait goes on'
        $waits[0].SecondsRemaining | Should -BeGreaterThan 0
        $waits[0].SecondsRemaining | Should -BeLessOrEqual 3
        $progress[-1].RecordType | Should -Be 'Completed'
    }

    It 'keeps the streams of a command hosted by the PowerShell API after a vault call (verbose, warnings, progress)' {
        # A runspace opened on the caller's own host object detached that host's streams when its pipeline ended.
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:PPLX_TEST_MODULE'; Test-PplxToken -Vault Prod -SecretName pplx-svc -Verbose; Write-Warning 'after the vault call'").Invoke()
            @($ps.Streams.Verbose | Where-Object Message -Match 'Probing pplx-').Count | Should -Be 1
            $ps.Streams.Warning.Message | Should -Contain 'after the vault call'
        }
        finally { $ps.Dispose() }
    }

    It 'writes no progress at all when $ProgressPreference is SilentlyContinue' {
        $progress = Get-ProgressOf "Invoke-PplxRotation -Vault Prod -SecretName pplx-svc -Force -PropagationDelay 00:00:02; Get-SecretInfo -Vault Prod -Name 'pplx-k*' | Test-PplxToken" -Preference SilentlyContinue

        $progress | Should -BeNullOrEmpty
    }
}
