# The fixed-seed slice of the chaos campaign (tools/Chaos.ps1) and a short load run (tools/Load.ps1),
# inside the normal test run so the leak audit covers them too. The full campaigns are
# ./build.ps1 -Task Chaos -Rotations 1000 and ./build.ps1 -Task Load -Rotations 100.
BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
}

Describe 'Guarantees under faults' {
    It 'a 40-rotation chaos slice (seed 7) ends with zero violations' {
        $r = & (Join-Path $root 'tools/Chaos.ps1') -Rotations 40 -Seed 7
        $r.Violations | Should -BeNullOrEmpty
        $r.Stats.Rotations | Should -Be 40
        $r.Stats.Resumes | Should -BeGreaterThan 0 -Because 'faults must really have interrupted rotations'
        @($r.Faults.PSObject.Properties | Where-Object Name -NE 'none').Count | Should -BeGreaterOrEqual 10
        $r.Line | Should -Match '^chaos: 40 rotations, 0 violations, \d+ reported orphans, \d+ resumes, \d+ rollbacks$'
    }

    It 'the same seed injects the same faults' {
        $a = & (Join-Path $root 'tools/Chaos.ps1') -Rotations 8 -Seed 11
        $b = & (Join-Path $root 'tools/Chaos.ps1') -Rotations 8 -Seed 11
        ($a.Faults | ConvertTo-Json) | Should -Be ($b.Faults | ConvertTo-Json)
        $a.Violations + $b.Violations | Should -BeNullOrEmpty
    }

    It 'consumers see no failed request while 10 rotations run under load' {
        $r = & (Join-Path $root 'tools/Load.ps1') -Rotations 10 -Consumers 2
        $r.Rotations | Should -Be 10
        $r.Requests | Should -BeGreaterThan 20
        $r.Failed | Should -Be 0
        $r.Line | Should -Match '^load: \d+ requests, 0 failed, 10 rotations$'
    }
}
