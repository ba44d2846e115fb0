<#
.SYNOPSIS
    Benchmarks measured side by side in one run, as ratios against what a user could write instead (issue "Fleet
    speed"); a row fails only when its ratio is past its bound, never on an absolute time:
      import       Import-Module PerplexityKeys (CPU ms of the command in a fresh pwsh), against a trivial binary module
                   built here, imported by its dll (bound 1.2x); the same trivial module with a manifest, and with a
                   manifest, a types and a formats file, are shown
      first probe  import + one Test-PplxToken -EnvironmentVariable (CPU ms of the commands in a fresh pwsh), against
                   Invoke-RestMethod's first call with the key from the same variable (bound 1.1x); the same probe with
                   -Quiet, and with -Key made by ConvertTo-SecureString, are shown
      memory       peak working set of a fresh pwsh probing -MemoryKeys keys at -Concurrency (Measure-ProbeMemory.ps1):
                   the largest count against the smallest (bound 1.25x: flat)
      probe        keys/s probing -Keys keys at -Concurrency against the emulator with -LatencyMs: the module
                   (Test-PplxToken -ThrottleLimit) against a raw HttpClient loop at the same concurrency (bound 0.8x)
                   and a sequential Invoke-RestMethod loop (bound 10x); ForEach-Object -Parallel is shown too
      rotate       one full rotation (the SecretManagement double and a file vault), median ms: shown, no bound
      fleet        rotating -RotateSecrets secrets of a file vault at -ThrottleLimit -RotateLimit, with -LatencyMs, against
                   its floor: HTTP calls x latency / limit, plus the vault operations that must be serial, each at the cost
                   of the same SecretManagement call on the same vault, timed in the run (RotationFloor.ps1) (bound 1.5x)
    Prints the table and one line: bench: import <r>x, first probe <r>x, probe <r>x raw / <r>x sequential / <r>x parallel,
    memory <r>x, fleet <r>x floor.
#>
param([int] $Runs = 9, [int] $Keys = 1000, [int] $Concurrency = 16, [int] $LatencyMs = 20, [int] $SequentialKeys = 200, [int] $RotateSecrets = 200, [int] $RotateLimit = 8, [int[]] $MemoryKeys = @(1000, 10000))

Set-StrictMode -Off
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../testkit/PplxTestSupport.psm1')
$saved = Enter-PplxTestEnvironment
$pwsh = Get-PwshCommand

function Measure-Median([scriptblock] $Action, [int] $Count) {
    $times = foreach ($i in 1..$Count) { $sw = [Diagnostics.Stopwatch]::StartNew(); & $Action; $sw.Stop(); $sw.Elapsed.TotalMilliseconds }
    ($times | Sort-Object)[[int][math]::Floor($Count / 2)]
}

function Measure-Interleaved([hashtable] $Commands, [int] $Count) {
    # Each round runs every command once in a fresh pwsh, so all of them see the same machine. What is measured is the
    # CPU time the process used while the command ran (its threads' JIT and GC included), read just before and just
    # after it in that process: what the command costs over bare pwsh, without the noise of pwsh's own start, which is
    # ten times larger than an import. One cmdlet of the engine runs first, so the first cmdlet call of a session (some
    # 80 ms of JIT that every session pays once, whatever it runs) is charged to no command. Each command keeps a cache
    # folder of its own (XDG_CACHE_HOME): pwsh records the methods a session compiled into a startup profile there and
    # compiles them again on a background thread at the next start, so with one shared folder every command was charged
    # or spared by whichever command ran just before it. With its own folder each is measured as a user who runs that
    # same thing every time finds it (the first round, which writes the profile, is not counted). Medians per command,
    # less the median of an empty command measured the same way: reading the CPU time costs some 12 ms itself (its own
    # code compiled in the window), which is no command's.
    # A command is a string, or two: what is measured, and a check run after the measuring that exits 3 when the command
    # did not do its work, which stops the bench (a probe that failed fast is no measure). The check is not charged to
    # the command: inside the window, checks (-ErrorAction Stop, an enum compared with a string) added 30 to 70 CPU ms
    # to the first probes in the run of 58d9079.
    $wrap = '$null = Get-Variable -Name PSHOME; $pplxP = [Diagnostics.Process]::GetCurrentProcess(); $pplxC = $pplxP.TotalProcessorTime; {0}; $pplxP.Refresh(); ' +
        '[Console]::Out.WriteLine("PPLX-CPU " + ($pplxP.TotalProcessorTime - $pplxC).TotalMilliseconds.ToString([cultureinfo]::InvariantCulture)); {1}'
    $Commands = $Commands.Clone(); $Commands['(empty)'] = '$null = 0'
    $times = @{}; foreach ($k in $Commands.Keys) { $times[$k] = [Collections.Generic.List[double]]::new() }
    $caches = Join-Path ([IO.Path]::GetTempPath()) "pplx-bench-caches-$PID"
    $savedCache = $env:XDG_CACHE_HOME
    try {
        foreach ($round in 0..$Count) {
            foreach ($k in $Commands.Keys) {
                $env:XDG_CACHE_HOME = Join-Path $caches $k
                $spec = @($Commands[$k]); $measured = $spec[0]; $check = if ($spec.Count -gt 1) { $spec[1] } else { '' }
                $out = & $pwsh.FilePath @($pwsh.Arguments) -NoProfile -NonInteractive -Command ($wrap -f $measured, $check)
                if ($LASTEXITCODE -ne 0) { throw "Bench command '$k' exited $LASTEXITCODE." }
                $ms = @($out | Where-Object { $_ -like 'PPLX-CPU *' })[-1].Substring(9)
                if ($round -gt 0) { $times[$k].Add([double]::Parse($ms, [cultureinfo]::InvariantCulture)) }
            }
        }
    }
    finally {
        $env:XDG_CACHE_HOME = $savedCache
        Remove-Item -Recurse -Force $caches -ErrorAction Ignore
    }
    $medians = @{}; foreach ($k in $Commands.Keys) { $s = $times[$k] | Sort-Object; $medians[$k] = $s[[int][math]::Floor($s.Count / 2)] }
    $empty = $medians['(empty)']
    $net = @{}; foreach ($k in $Commands.Keys) { if ($k -ne '(empty)') { $net[$k] = [math]::Max(0.1, $medians[$k] - $empty) } }
    $net['(empty)'] = $empty
    $net
}

function Row([string] $Measure, [string] $Module, [string] $Against, [double] $Ratio, [double] $Bound, [string] $Direction) {
    $ok = if ($Direction -eq 'max') { $Ratio -le $Bound } else { $Ratio -ge $Bound }
    [pscustomobject]@{ Measure = $Measure; Module = $Module; Against = $Against; Ratio = [math]::Round($Ratio, 2); Bound = "$(if ($Direction -eq 'max') { '<=' } else { '>=' }) $Bound"; Ok = $ok }
}

. (Join-Path $PSScriptRoot 'RotationFloor.ps1')
$rows = [Collections.Generic.List[object]]::new()
$emu = Start-PplxEmulator
try {
    # Import and first probe, against a trivial binary module and Invoke-RestMethod, in fresh processes.
    $trivial = Join-Path $PSScriptRoot 'TrivialModule'
    & dotnet build $trivial -c Release -nologo -v quiet | Out-Null
    if ($LASTEXITCODE -ne 0) { throw 'The trivial module did not build.' }
    $trivialDll = Join-Path $trivial 'bin/Release/netstandard2.0/TrivialModule.dll'
    # The same trivial module laid out as a shipped one is (a manifest, a types file, a formats file): shown, to tell the
    # layout's own cost from the module's. Every module is imported by the path of its file, as the trivial one must be.
    $shaped = Join-Path ([IO.Path]::GetTempPath()) "pplx-bench-shaped-$PID"
    $null = New-Item -ItemType Directory -Force $shaped
    Copy-Item (Join-Path $trivial 'Shaped/*'), $trivialDll -Destination $shaped
    # And with a manifest alone: what PowerShell spends reading any manifest.
    Get-Content (Join-Path $shaped 'TrivialShaped.psd1') | Where-Object { $_ -notmatch 'FormatsToProcess|TypesToProcess' } | Set-Content (Join-Path $shaped 'TrivialManifest.psd1')
    $manifest = (Get-ChildItem -Path $env:PPLX_TEST_MODULE -Filter PerplexityKeys.psd1 -Recurse | Select-Object -First 1).FullName
    $key = New-PplxToken -TokenName bench-first -ApiKey $emu.AdminKey -BaseUri $emu.BaseUri
    $env:PPLX_BENCH_KEY = $key.Key | Get-PlainText   # read by the child processes below; never printed
    $base = $emu.BaseUri.ToString().TrimEnd('/')
    $m = Measure-Interleaved @{
        trivial  = "Import-Module '$trivialDll'"
        manifest = "Import-Module '$(Join-Path $shaped 'TrivialManifest.psd1')'"
        shaped   = "Import-Module '$(Join-Path $shaped 'TrivialShaped.psd1')'"
        module   = "Import-Module '$manifest'"
        # Both read the key from the same environment variable: Invoke-RestMethod as text, the module by its name. Each
        # must have proven the key, checked after the measuring.
        irm      = "`$pplxR = Invoke-RestMethod -Uri '$base/v1/models' -Headers @{ Authorization = 'Bearer ' + `$env:PPLX_BENCH_KEY }", 'if ($null -eq $pplxR) { exit 3 }'
        probe    = "Import-Module '$manifest'; `$pplxR = Test-PplxToken -BaseUri '$base' -EnvironmentVariable PPLX_BENCH_KEY", 'if ("$($pplxR.Status)" -ne "Valid") { exit 3 }'
        quiet    = "Import-Module '$manifest'; `$pplxR = Test-PplxToken -BaseUri '$base' -EnvironmentVariable PPLX_BENCH_KEY -Quiet", 'if ($pplxR -ne $true) { exit 3 }'
        secure   = "Import-Module '$manifest'; `$pplxR = Test-PplxToken -BaseUri '$base' -Key (ConvertTo-SecureString `$env:PPLX_BENCH_KEY -AsPlainText -Force)", 'if ("$($pplxR.Status)" -ne "Valid") { exit 3 }'
    } $Runs
    $env:PPLX_BENCH_KEY = $null
    Remove-Item -Recurse -Force $shaped -ErrorAction Ignore
    $rows.Add((Row 'import (CPU ms over bare pwsh)' ([math]::Round($m.module)) "trivial module $([math]::Round($m.trivial))" ($m.module / [math]::Max(1, $m.trivial)) 1.2 'max'))
    $rows.Add((Row 'import (CPU ms over bare pwsh)' ([math]::Round($m.module)) "trivial module with a manifest $([math]::Round($m.manifest))" ($m.module / [math]::Max(1, $m.manifest)) 0 'min'))
    $rows.Add((Row 'import (CPU ms over bare pwsh)' ([math]::Round($m.module)) "trivial module with manifest, types, formats $([math]::Round($m.shaped))" ($m.module / [math]::Max(1, $m.shaped)) 0 'min'))
    $rows.Add((Row 'first probe (CPU ms over bare pwsh)' ([math]::Round($m.probe)) "Invoke-RestMethod $([math]::Round($m.irm))" ($m.probe / [math]::Max(1, $m.irm)) 1.1 'max'))
    $measuring = 'the measuring itself, {0:0.0} CPU ms, taken off every import and first-probe figure' -f $m['(empty)']
    # Shown: the same probe writing only $true/$false (-Quiet: no result objects, so no views loaded), and with the key
    # made a SecureString by the script (ConvertTo-SecureString loads Microsoft.PowerShell.Security).
    $rows.Add((Row 'first probe, -Quiet (CPU ms over bare pwsh)' ([math]::Round($m.quiet)) "Invoke-RestMethod $([math]::Round($m.irm))" ($m.quiet / [math]::Max(1, $m.irm)) 0 'min'))
    $rows.Add((Row 'first probe, -Key (ConvertTo-SecureString)' ([math]::Round($m.secure)) "Invoke-RestMethod $([math]::Round($m.irm))" ($m.secure / [math]::Max(1, $m.irm)) 0 'min'))

    # Probing many keys with injected latency.
    $env:PERPLEXITY_BASE_URL = $emu.BaseUri
    $tokens = 1..$Keys | ForEach-Object { "bench-$_" } | New-PplxToken -ApiKey $emu.AdminKey
    $null = Invoke-PplxEmulator $emu POST config @{ latencyMs = $LatencyMs }
    $plain = @($tokens | ForEach-Object { $_.Key | Get-PlainText })
    Add-Type -Path (Join-Path $PSScriptRoot 'RawProbe/RawProbe.cs')
    $null = [RawProbe]::Run($base + '/', $plain[0..15], $Concurrency)   # warm up
    $null = $tokens | Select-Object -First 16 | Test-PplxToken -ThrottleLimit $Concurrency

    $moduleMs = Measure-Median { if (@($tokens | Test-PplxToken -ThrottleLimit $Concurrency | Where-Object Status -EQ 'Valid').Count -ne $Keys) { throw 'A module probe was not Valid.' } } 3
    $rawMs = Measure-Median { if ([RawProbe]::Run($base + '/', $plain, $Concurrency) -ne $Keys) { throw 'A raw probe failed.' } } 3
    $parallelMs = Measure-Median { $null = $plain | ForEach-Object -ThrottleLimit $Concurrency -Parallel { Invoke-RestMethod -Uri "$using:base/v1/models" -Headers @{ Authorization = "Bearer $_" } } } 1
    $few = $plain[0..($SequentialKeys - 1)]
    $sequentialMs = Measure-Median { foreach ($k in $few) { $null = Invoke-RestMethod -Uri "$base/v1/models" -Headers @{ Authorization = "Bearer $k" } } } 1
    $plain = $null
    $moduleRate = $Keys / ($moduleMs / 1000); $rawRate = $Keys / ($rawMs / 1000)
    $parallelRate = $Keys / ($parallelMs / 1000); $sequentialRate = $SequentialKeys / ($sequentialMs / 1000)
    $rows.Add((Row "probe $Keys keys at $Concurrency (keys/s)" ([math]::Round($moduleRate)) "raw HttpClient $([math]::Round($rawRate))" ($moduleRate / $rawRate) 0.8 'min'))
    $rows.Add((Row "probe $Keys keys at $Concurrency (keys/s)" ([math]::Round($moduleRate)) "sequential Invoke-RestMethod $([math]::Round($sequentialRate))" ($moduleRate / $sequentialRate) 10 'min'))
    $rows.Add((Row "probe $Keys keys at $Concurrency (keys/s)" ([math]::Round($moduleRate)) "ForEach-Object -Parallel $([math]::Round($parallelRate))" ($moduleRate / $parallelRate) 0 'min'))

    # Peak working set while probing many keys, each count in a fresh pwsh: flat past 1,000 (bound: 10,000 keys within
    # 1.25x the peak of 1,000).
    $memory = @(& (Join-Path $PSScriptRoot 'Measure-ProbeMemory.ps1') -BaseUri $emu.BaseUri -Count $MemoryKeys -ThrottleLimit $Concurrency)
    foreach ($run in $memory) { if ($run.Valid -ne $run.Keys) { throw "The memory run of $($run.Keys) keys found $($run.Valid) valid." } }
    $memoryLine = 'peak working set probing at {0}: {1}' -f $Concurrency, (($memory | ForEach-Object { '{0:N0} keys {1} MB' -f $_.Keys, $_.PeakMB }) -join ', ')
    $rows.Add((Row "peak working set, $($memory[-1].Keys) keys (MB)" $memory[-1].PeakMB "$($memory[0].Keys) keys $($memory[0].PeakMB)" ($memory[-1].PeakMB / $memory[0].PeakMB) 1.25 'max'))
    $null = Invoke-PplxEmulator $emu POST config @{ latencyMs = 0 }

    # One rotation (shown).
    $null = Use-PplxTestRegistry
    $null = New-PplxTestVault -Kind File -Name Bench
    $null = New-PplxToken -ApiKey $emu.AdminKey -Vault Bench -SecretName pplx-bench
    $env:PERPLEXITY_API_KEY = $null
    $null = Invoke-PplxRotation -Vault Bench -SecretName pplx-bench -Force   # warm up
    $rotate = Measure-Median { $r = Invoke-PplxRotation -Vault Bench -SecretName pplx-bench -Force; if ($r.State -ne 'Done') { throw "Rotation ended $($r.State)" } } $Runs
    $rows.Add([pscustomobject]@{ Measure = 'one rotation (ms)'; Module = [math]::Round($rotate); Against = '-'; Ratio = $null; Bound = 'none'; Ok = $true })

    # A fleet: many secrets of one vault rotated at once, against the floor of their HTTP calls and serial vault calls.
    $fleet = Measure-RotationFloor -Emulator $emu -Secrets $RotateSecrets -Limit $RotateLimit -LatencyMs $LatencyMs
    $rows.Add((Row "rotate $RotateSecrets secrets at $RotateLimit (ms)" ([math]::Round($fleet.Ms)) "floor $([math]::Round($fleet.FloorMs))" ($fleet.Ms / $fleet.FloorMs) 1.5 'max'))
    $fleetLine = 'fleet floor per rotation: {0} HTTP calls x {1} ms / {2} + {3:0.#} vault calls x {4:0.0} ms ({5})' -f $fleet.HttpPerRotation, $LatencyMs, $RotateLimit, $fleet.VaultOpsPerRotation, $fleet.VaultOpMs,
        (($fleet.Calls.Keys | Sort-Object | ForEach-Object { '{0} {1:0.#} at {2:0.0} ms' -f $_, ($fleet.Calls[$_] / $RotateSecrets), $fleet.Cost[$_] }) -join ', ')
}
finally {
    Stop-PplxEmulator $emu
    Exit-PplxTestEnvironment $saved
}

# Wide enough for every column, also when the output is a log rather than a terminal.
$rows | Format-Table -AutoSize | Out-String -Width 250 | Write-Host
Write-Host $measuring
Write-Host $memoryLine
Write-Host $fleetLine
$ratio = { param($measure, $against) ($rows | Where-Object { $_.Measure -like $measure -and $_.Against -like $against } | Select-Object -First 1).Ratio }
$line = 'bench: import {0}x, first probe {1}x, probe {2}x raw / {3}x sequential / {4}x parallel, memory {5}x, fleet {6}x floor' -f (& $ratio 'import*' 'trivial module [0-9]*'), (& $ratio 'first probe*' '*'), (& $ratio 'probe *' 'raw*'), (& $ratio 'probe *' 'sequential*'), (& $ratio 'probe *' 'ForEach*'), (& $ratio 'peak*' '*'), (& $ratio 'rotate*' '*')
Write-Host $line
[pscustomobject]@{ Line = $line; Rows = $rows; Ok = -not ($rows | Where-Object { -not $_.Ok }) }
