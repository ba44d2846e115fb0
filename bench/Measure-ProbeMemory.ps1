<#
.SYNOPSIS
    Peak working set of a pwsh that probes -Count keys with Test-PplxToken -ThrottleLimit, each count in a fresh
    process: the keys come from the emulator's console in chunks of 500 and stream through the pipeline, so what
    grows with the count is the module's, not the harness's. One object per count: Keys, Valid, PeakMB, and the
    same process's peak before the probes began (BaselineMB: pwsh, the module imported, the first chunk).
.NOTES
    Run by bench/Bench.ps1 with the laid-out module in $env:PPLX_TEST_MODULE and the emulator at -BaseUri.
#>
param([Parameter(Mandatory)] [uri] $BaseUri, [int[]] $Count = @(1000, 10000), [int] $ThrottleLimit = 16)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../testkit/PplxTestSupport.psm1')
$base = $BaseUri.ToString().TrimEnd('/')
$child = @'
param($Base, $Count, $Limit)
$ErrorActionPreference = 'Stop'
Import-Module $env:PPLX_TEST_MODULE
$chunk = [math]::Min(500, $Count)
$first = Invoke-RestMethod -Method Post -Uri "$Base/_emulator/keys/batch" -ContentType 'application/json' -Body (@{ count = $chunk; name = 'ws' } | ConvertTo-Json)
$null = $first[0].auth_token | ForEach-Object { ConvertTo-SecureString $_ -AsPlainText -Force } | Test-PplxToken -BaseUri $Base
$me = [Diagnostics.Process]::GetCurrentProcess(); $me.Refresh(); $baseline = $me.PeakWorkingSet64
$chunks = [math]::Ceiling($Count / $chunk)
$valid = (1..$chunks | ForEach-Object {
        $keys = if ($_ -eq 1) { $first } else { Invoke-RestMethod -Method Post -Uri "$Base/_emulator/keys/batch" -ContentType 'application/json' -Body (@{ count = $chunk; name = "ws$_" } | ConvertTo-Json) }
        foreach ($k in $keys) { ConvertTo-SecureString $k.auth_token -AsPlainText -Force }
    } | Test-PplxToken -BaseUri $Base -ThrottleLimit $Limit | Where-Object Status -EQ 'Valid' | Measure-Object).Count
$me.Refresh()
'{0} {1} {2}' -f $valid, $baseline, $me.PeakWorkingSet64
'@
$script = Join-Path ([IO.Path]::GetTempPath()) "pplx-probe-memory-$PID.ps1"
Set-Content -Path $script -Value $child
try {
    foreach ($n in $Count) {
        $run = Invoke-PplxChildPwsh -Arguments '-NonInteractive' -File $script -ArgumentList $base, $n, $ThrottleLimit -TimeoutSeconds 900
        if ($run.ExitCode -ne 0) { throw "The probe-memory run of $n keys failed: $($run.Errors)" }
        $valid, $baseline, $peak = ($run.Output.Trim() -split '\s+')[-3..-1]
        [pscustomobject]@{ Keys = $n; Valid = [int]$valid; BaselineMB = [math]::Round([long]$baseline / 1MB, 1); PeakMB = [math]::Round([long]$peak / 1MB, 1) }
    }
}
finally { Remove-Item $script -ErrorAction Ignore }
