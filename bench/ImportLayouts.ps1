<#
.SYNOPSIS
    Import-Module cost of the laid-out module (lib/ layout, loader first) against the same build laid out flat without
    the loader (the layout before docs/loading.md), interleaved round by round so both see the same machine:
    wall time of `pwsh -NoProfile -Command "Import-Module ..."` minus pwsh alone, medians of -Rounds.
    Prints one line: import-layouts: lib <ms> ms, flat <ms> ms over bare pwsh (ratio <r>).
#>
param([int] $Rounds = 30, [string] $ModulePath = (Join-Path $PSScriptRoot '../out/PerplexityKeys'))

$ErrorActionPreference = 'Stop'
$version = Get-ChildItem $ModulePath -Directory | Select-Object -First 1
$flat = Join-Path ([IO.Path]::GetTempPath()) "pplx-flat-$PID/PerplexityKeys"
$null = New-Item -ItemType Directory -Force $flat
try {
    Copy-Item "$($version.FullName)/*" $flat -Recurse
    Move-Item "$flat/lib/*.dll" $flat
    Remove-Item "$flat/lib", "$flat/PerplexityKeys.Loader.dll", "$flat/PerplexityKeys.LoadContext.dll" -Recurse
    (Get-Content "$flat/PerplexityKeys.psd1") | Where-Object { $_ -notmatch 'NestedModules' } | Set-Content "$flat/PerplexityKeys.psd1"

    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    $commands = [ordered]@{ bare = '1'; flat = "Import-Module '$flat/PerplexityKeys.psd1'"; lib = "Import-Module '$($version.FullName)/PerplexityKeys.psd1'" }
    $wall = @{}
    foreach ($k in $commands.Keys) { $wall[$k] = [Collections.Generic.List[double]]::new() }
    foreach ($round in 0..$Rounds) {
        foreach ($k in $commands.Keys) {
            $psi = [Diagnostics.ProcessStartInfo]::new('dotnet')
            foreach ($a in $pwshDll, '-NoProfile', '-NonInteractive', '-Command', $commands[$k]) { $psi.ArgumentList.Add($a) }
            $psi.RedirectStandardOutput = $true
            $sw = [Diagnostics.Stopwatch]::StartNew()
            $p = [Diagnostics.Process]::Start($psi)
            $null = $p.StandardOutput.ReadToEnd()
            $p.WaitForExit()
            $sw.Stop()
            if ($p.ExitCode -ne 0) { throw "'$($commands[$k])' exited $($p.ExitCode)." }
            if ($round -eq 0) { continue }   # warm-up round
            $wall[$k].Add($sw.Elapsed.TotalMilliseconds)
        }
    }
}
finally {
    Remove-Item (Split-Path $flat) -Recurse -Force -ErrorAction Ignore
}

function Median($values) { $s = $values | Sort-Object; $s[[int][math]::Floor($s.Count / 2)] }
$over = @{}
foreach ($k in 'flat', 'lib') { $over[$k] = (Median $wall[$k]) - (Median $wall.bare) }
$ratio = $over.lib / [math]::Max(1, $over.flat)
Write-Host ("bare pwsh: {0:0} ms (median of {1} rounds)" -f (Median $wall.bare), $Rounds)
$line = "import-layouts: lib {0:0} ms, flat {1:0} ms over bare pwsh (ratio {2:0.00})" -f $over.lib, $over.flat, $ratio
Write-Host $line

