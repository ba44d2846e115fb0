<#
.SYNOPSIS
    Benchmarks of what users wait for, against the baselines in bench/baseline.json:
      import   pwsh -NoProfile with Import-Module PerplexityKeys, minus pwsh alone (median of -Runs)
      probe    Test-PplxToken throughput, keys per second, against the loopback emulator
      rotate   one full rotation (through the SecretManagement double and a file vault), median ms
    A figure more than -Tolerance times worse than its baseline fails the run. Prints one line:
        bench: import <ms> ms, probe <n>/s, rotate <ms> ms
#>
param([int] $Runs = 9, [double] $Tolerance = 2.0)

Set-StrictMode -Off
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../testkit/PplxTestSupport.psm1')
$saved = Enter-PplxTestEnvironment
$baseline = Get-Content -Raw (Join-Path $PSScriptRoot 'baseline.json') | ConvertFrom-Json
$pwsh = Get-PwshCommand

function Measure-Median([scriptblock] $Action, [int] $Count) {
    $times = foreach ($i in 1..$Count) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $Action; $sw.Stop(); $sw.Elapsed.TotalMilliseconds }
    ($times | Sort-Object)[[int][math]::Floor($Count / 2)]
}

$emu = Start-PplxEmulator
try {
    $bare = Measure-Median { & $pwsh.FilePath @($pwsh.Arguments) -NoProfile -NonInteractive -Command '1' | Out-Null } $Runs
    $withModule = Measure-Median { & $pwsh.FilePath @($pwsh.Arguments) -NoProfile -NonInteractive -Command "Import-Module '$env:PPLX_TEST_MODULE'" | Out-Null } $Runs
    $import = [math]::Max(0, $withModule - $bare)

    $env:PERPLEXITY_BASE_URL = $emu.BaseUri
    $tokens = 1..200 | ForEach-Object { "bench-$_" } | New-PplxToken -ApiKey $emu.AdminKey
    $null = $tokens | Select-Object -First 5 | Test-PplxToken   # warm up
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $results = $tokens | Test-PplxToken
    $sw.Stop()
    if (@($results | Where-Object Status -NE 'Valid').Count) { throw 'A benchmark probe was not Valid.' }
    $probeRate = $tokens.Count / $sw.Elapsed.TotalSeconds

    $null = Use-PplxTestRegistry
    $null = New-PplxTestVault -Kind File -Name Bench
    $null = New-PplxToken -ApiKey $emu.AdminKey -Vault Bench -SecretName pplx-bench
    $env:PERPLEXITY_API_KEY = $null
    $null = Invoke-PplxRotation -Vault Bench -SecretName pplx-bench -Force   # warm up
    $rotate = Measure-Median { $r = Invoke-PplxRotation -Vault Bench -SecretName pplx-bench -Force; if ($r.State -ne 'Done') { throw "Rotation ended $($r.State)" } } $Runs
}
finally {
    Stop-PplxEmulator $emu
    Exit-PplxTestEnvironment $saved
}

$rows = @(
    [pscustomobject]@{ Measure = 'import (ms)'; Value = [math]::Round($import); Baseline = $baseline.importMs; Ok = $import -le $baseline.importMs * $Tolerance }
    [pscustomobject]@{ Measure = 'probe (keys/s)'; Value = [math]::Round($probeRate); Baseline = $baseline.probePerSecond; Ok = $probeRate -ge $baseline.probePerSecond / $Tolerance }
    [pscustomobject]@{ Measure = 'rotate (ms)'; Value = [math]::Round($rotate); Baseline = $baseline.rotateMs; Ok = $rotate -le $baseline.rotateMs * $Tolerance }
)
$rows | Format-Table | Out-Host
Write-Host ("pwsh alone: {0:0} ms; pwsh + Import-Module: {1:0} ms (medians of {2})" -f $bare, $withModule, $Runs)
$line = "bench: import $([math]::Round($import)) ms, probe $([math]::Round($probeRate))/s, rotate $([math]::Round($rotate)) ms"
Write-Host $line
[pscustomobject]@{ Line = $line; Rows = $rows; Ok = -not ($rows | Where-Object { -not $_.Ok }) }
