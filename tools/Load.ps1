<#
.SYNOPSIS
    Zero downtime under load: consumer processes call the Agent API (POST /v1/agent) with whatever key the vault
    holds (re-reading it on 401 and every -RereadMs) while rotations run, with a propagation delay
    above the re-read interval. Counts the consumers' failed requests, which must be 0. Prints:
        load: <N> requests, <F> failed, <R> rotations
    Returns a summary object. Needs the laid-out module and testkit/ (./build.ps1 Build).
#>
param(
    [int] $Rotations = 100,
    [int] $Consumers = 3,
    [int] $RereadMs = 200,
    [timespan] $PropagationDelay = '00:00:00.5',
    # File: a vault every reader re-reads. Store: SecretStore-like, cached per process (the consumers see a change
    # only after the store's window), rotated with the module's default propagation delay, which covers that window.
    [ValidateSet('File', 'Store')] [string] $VaultKind = 'File'
)

# build.ps1 runs under strict mode; this script reads properties that may be absent on purpose.
Set-StrictMode -Off
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../testkit/PplxTestSupport.psm1')
$saved = Enter-PplxTestEnvironment

if ($PropagationDelay.TotalMilliseconds -le $RereadMs) { throw "The propagation delay ($PropagationDelay) must exceed the consumers' re-read interval ($RereadMs ms)." }
$emu = Start-PplxEmulator
$started = [System.Diagnostics.Stopwatch]::StartNew()
$consumerProcesses = @()
try {
    $env:PERPLEXITY_BASE_URL = $emu.BaseUri
    $env:PERPLEXITY_API_KEY = $null
    $work = Use-PplxTestRegistry
    $vault = if ($VaultKind -eq 'Store') { New-PplxTestVault -Kind Store -Name LoadVault -CacheSeconds 1 } else { New-PplxTestVault -Kind File -Name LoadVault }
    $null = New-PplxToken -ApiKey $emu.AdminKey -TokenName 'seed/pplx-load' -Vault LoadVault -SecretName pplx-load
    $stop = Join-Path $work 'stop'
    $consumerProcesses = foreach ($c in 1..$Consumers) {
        $result = Join-Path $work "consumer$c.json"
        [pscustomobject]@{ Result = $result; Process = (Start-PplxChildScript 'Consumer.ps1' @('-Vault', 'LoadVault', '-SecretName', 'pplx-load', '-StopFile', $stop, '-ResultFile', $result, '-RereadMs', "$RereadMs")) }
    }
    foreach ($c in $consumerProcesses) { Wait-PplxCondition { Test-Path "$($c.Result).started" } -Because 'the consumers to start' }

    $done = 0
    for ($i = 1; $i -le $Rotations; $i++) {
        $delay = if ($VaultKind -eq 'Store') { @{} } else { @{ PropagationDelay = $PropagationDelay } }
        $r = Invoke-PplxRotation -Vault LoadVault -SecretName pplx-load -Force @delay
        if ($r.State -eq 'Done') { $done++ }
    }
}
finally {
    Set-Content (Join-Path $env:PPLX_TEST_WORK 'stop') 'stop'
    foreach ($c in $consumerProcesses) { if (-not $c.Process.WaitForExit(30000)) { $c.Process.Kill($true) } }
    # Read the consumers' counts before the environment goes: a run that made its own HOME deletes it, work folder and all.
    $totals = $consumerProcesses | ForEach-Object { Get-Content -Raw $_.Result | ConvertFrom-Json }
    Stop-PplxEmulator $emu
    Exit-PplxTestEnvironment $saved
}

$requests = ($totals | Measure-Object requests -Sum).Sum
$failed = ($totals | Measure-Object failed -Sum).Sum
$rereads = ($totals | Measure-Object rereads -Sum).Sum
$readErrors = ($totals | Measure-Object readErrors -Sum).Sum
$started.Stop()
Write-Host ''
Write-Host "Load: $Consumers consumer processes re-reading a $VaultKind vault every $RereadMs ms (and on 401); propagation delay $(if ($VaultKind -eq 'Store') { 'the default (the store''s cache window)' } else { $PropagationDelay })"
Write-Host ('{0,-12} {1,8}' -f 'Requests', $requests)
Write-Host ('{0,-12} {1,8}' -f 'Failed', $failed)
Write-Host ('{0,-12} {1,8}' -f 'Re-reads', $rereads)
Write-Host ('{0,-12} {1,8}' -f 'Read errors', $readErrors)
Write-Host ('{0,-12} {1,8}' -f 'Rotations', $done)
Write-Host ('{0,-12} {1,8:0.0} s' -f 'Wall time', $started.Elapsed.TotalSeconds)
$line = "load: $requests requests, $failed failed, $done rotations"
Write-Host $line
[pscustomobject]@{ Line = $line; Requests = $requests; Failed = $failed; Rotations = $done; WallTime = $started.Elapsed }
