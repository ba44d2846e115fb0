#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, lays out, tests and demonstrates the PerplexityKeys module.
.DESCRIPTION
    One task per run; `./build.ps1 -Task Help` lists them with what each does (the task table at the end of this file
    is their one source).
    Run it with the repository's pinned pwsh: `dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test`.
.PARAMETER Task
    The task to run. Default: Test (which builds first).
.PARAMETER Configuration
    Release (default) or Debug.
.PARAMETER Rotations
    Chaos (default 1000) and Load (default 100): how many rotations.
.PARAMETER Seed
    Chaos: the seed (default 7); the same seed injects the same faults.
.PARAMETER Secrets
    Pacing: how many secrets the batch rotates (default 20; issue 10's figure is 200).
.PARAMETER VaultKind
    Load: File (default; consumers re-read the file) or Store (SecretStore-like, cached per process, rotated
    with the module's default propagation delay, which covers the store's cache window).
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [string] $Task = 'Test',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Chaos and Load: how many rotations.
    [int] $Rotations = 0,

    # Chaos: the seed that makes a campaign repeatable.
    [int] $Seed = 7,

    # Pacing: how many secrets the batch rotates.
    [int] $Secrets = 20,

    # Load: the kind of vault the consumers read (File, or Store: SecretStore-like, cached per process).
    [ValidateSet('File', 'Store')]
    [string] $VaultKind = 'File'
)

Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'

function Get-ModuleVersion {
    $props = [xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))
    [string]($props.Project.PropertyGroup | ForEach-Object { $_.VersionPrefix } | Where-Object { $_ } | Select-Object -First 1)
}

function Invoke-Dotnet {
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($args -join ' ') failed with exit code $LASTEXITCODE." }
}

function Invoke-Clean {
    foreach ($dir in @($Out) + @(Get-ChildItem -Path (Join-Path $Root 'src'), (Join-Path $Root 'tests'), (Join-Path $Root 'testkit') -Directory -Recurse -Include bin, obj | ForEach-Object FullName)) {
        if (Test-Path $dir) { Remove-Item -Recurse -Force $dir }
    }
}

function Invoke-Build {
    $version = Get-ModuleVersion
    Invoke-Dotnet build (Join-Path $Root 'PplxPS.sln') -c $Configuration -nologo -v quiet

    # Lay the module out as Install-Module would: out/PerplexityKeys/<version>/.
    $moduleRoot = Join-Path $Out 'PerplexityKeys'
    $moduleDir = Join-Path $moduleRoot $version
    if (Test-Path $moduleRoot) { Remove-Item -Recurse -Force $moduleRoot }
    $null = New-Item -ItemType Directory -Force $moduleDir
    # Beside the manifest: the cmdlets, the loader (a nested module loaded first), formats and types. In lib/: the core
    # and its dependencies, which the loader makes loadable (docs/loading.md), and the loader's PowerShell 7 part.
    $bin = Join-Path $Root "src/PerplexityKeys/bin/$Configuration/netstandard2.0"
    $lib = Join-Path $moduleDir 'lib'
    $null = New-Item -ItemType Directory -Force $lib
    $top = 'PerplexityKeys.dll', 'PerplexityKeys.Loader.dll'
    Get-ChildItem $bin -File | Where-Object { $_.Extension -eq '.ps1xml' -or $_.Name -in $top } | Copy-Item -Destination $moduleDir
    Get-ChildItem $bin -File -Filter *.dll | Where-Object Name -NotIn $top | Copy-Item -Destination $lib
    Copy-Item (Join-Path $Root "src/PerplexityKeys.Loader/bin/$Configuration/netstandard2.0/PerplexityKeys.Loader.dll") $moduleDir
    Copy-Item (Join-Path $Root "src/PerplexityKeys.LoadContext/bin/$Configuration/net8.0/PerplexityKeys.LoadContext.dll") $lib
    Copy-Item -Recurse (Join-Path $Root 'src/PerplexityKeys/en-US') $moduleDir   # about_PerplexityKeys
    $manifest = (Get-Content -Raw (Join-Path $Root 'PerplexityKeys.psd1')) -replace "ModuleVersion(\s*)= '0\.0\.0'", "ModuleVersion`$1= '$version'"
    Set-Content -Path (Join-Path $moduleDir 'PerplexityKeys.psd1') -Value $manifest -NoNewline
    & (Join-Path $Root 'tools/New-CmdletHelp.ps1') -ModulePath $moduleDir -XmlDocPath (Join-Path $bin 'PerplexityKeys.xml')

    # The emulator runs from its own build output.
    $emulatorDir = Join-Path $Out 'emulator'
    if (Test-Path $emulatorDir) { Remove-Item -Recurse -Force $emulatorDir }
    Copy-Item -Recurse (Join-Path $Root "src/PerplexityKeys.Emulator/bin/$Configuration/net10.0") $emulatorDir
    Write-Host "Module laid out in $moduleDir"
}

function Get-XunitProjects {
    # The xunit projects, tests/<Name>.Tests/<Name>.Tests.csproj, one per src/ project: the solution is their one
    # source (Build builds them with it, Test runs them).
    Select-String -Path (Join-Path $Root 'PplxPS.sln') -Pattern '"tests\\([^"\\]+\.Tests)\\\1\.csproj"' | ForEach-Object { $_.Matches[0].Groups[1].Value }
}

function Get-TrxCounts([string] $Path) {
    $trx = [xml](Get-Content -Raw $Path)
    $c = $trx.TestRun.ResultSummary.Counters
    [pscustomobject]@{ Passed = [int]$c.passed; Failed = [int]$c.failed + [int]$c.error + [int]$c.timeout + [int]$c.aborted; Skipped = [int]$c.notExecuted }
}

function Install-MonoForTests {
    # The .NET Framework proxy test (tests/pester/NetFxProxy.Tests.ps1) runs under Mono's strict loader. Where mono is
    # missing and this runs as root with apt-get (a fresh CI machine), install Debian's runtime packages, once. Debian
    # puts the runtime facades (netstandard.dll, System.Runtime.dll, ...) only in mono-devel, 120-odd packages: rather than
    # install that, unpack its 4.5/Facades into out/mono-facades, which the test puts on MONO_PATH. Without mono the
    # test reports Skipped, never Passed. docs/loading.md, "How we know, without Windows".
    if ($IsWindows) { return }
    $started = [Diagnostics.Stopwatch]::StartNew()
    $canInstall = (Get-Command apt-get -ErrorAction Ignore) -and (& id -u) -eq '0'
    if (-not (Get-Command mono -ErrorAction Ignore)) {
        if (-not $canInstall) { Write-Host 'mono: not installed and no root apt-get to install it; the .NET Framework proxy test will be skipped.'; return }
        $packages = 'mono-runtime', 'libmono-system-net-http4.0-cil', 'libmono-system-componentmodel-dataannotations4.0-cil', 'libmono-system-numerics4.0-cil', 'libmono-system-runtime4.0-cil'
        $env:DEBIAN_FRONTEND = 'noninteractive'
        & apt-get install -y -qq --no-install-recommends @packages *> $null
        if ($LASTEXITCODE -ne 0) {
            # A fresh machine may have no package lists yet.
            & apt-get update -qq *> $null
            & apt-get install -y -qq --no-install-recommends @packages *> $null
        }
        if ($LASTEXITCODE -ne 0) { Write-Host 'mono: apt-get install failed; the .NET Framework proxy test will be skipped.' -ForegroundColor Yellow; return }
    }
    $prefix = Split-Path (Split-Path (Get-Command mono).Source)
    $facades = Join-Path $Out 'mono-facades'
    if (-not (Test-Path (Join-Path $prefix 'lib/mono/4.5/Facades/netstandard.dll')) -and -not (Test-Path (Join-Path $facades 'netstandard.dll')) -and $canInstall) {
        $work = Join-Path $Out 'mono-devel'
        $null = New-Item -ItemType Directory -Force $work
        Push-Location $work
        try { & apt-get download -qq mono-devel *> $null } finally { Pop-Location }
        $deb = Get-ChildItem $work -Filter 'mono-devel_*.deb' | Select-Object -First 1
        if ($deb) {
            & dpkg-deb -x $deb.FullName (Join-Path $work 'x')
            $null = New-Item -ItemType Directory -Force $facades
            Copy-Item (Join-Path $work 'x/usr/lib/mono/4.5/Facades/*.dll') $facades
        }
        Remove-Item -Recurse -Force $work
    }
    Write-Host ("mono: {0} ready in {1:N1} s" -f ((& mono --version | Select-Object -First 1) -replace ' \(.*'), $started.Elapsed.TotalSeconds)
}

function Invoke-Test {
    Invoke-Build
    Install-MonoForTests
    $results = Join-Path $Out 'test-results'
    if (Test-Path $results) { Remove-Item -Recurse -Force $results }
    $null = New-Item -ItemType Directory -Force $results

    $passed = 0; $failed = 0; $skipped = 0

    Write-Host "`n== xunit ==" -ForegroundColor Cyan
    foreach ($project in Get-XunitProjects) {
        & dotnet test (Join-Path $Root "tests/$project") -c $Configuration --no-build --nologo `
            --logger "trx;LogFileName=$project.trx" --logger 'console;verbosity=minimal' --results-directory $results
        $trxFile = Join-Path $results "$project.trx"
        if (Test-Path $trxFile) {
            $c = Get-TrxCounts $trxFile
            $passed += $c.Passed; $failed += $c.Failed; $skipped += $c.Skipped
        } else {
            Write-Host "xunit produced no results for $project." -ForegroundColor Red
            $failed += 1
        }
    }

    Write-Host "`n== Pester ==" -ForegroundColor Cyan
    $pesterResult = Join-Path $results 'pester.json'
    & dotnet pwsh -NoProfile -NonInteractive -File (Join-Path $Root 'tests/pester/Invoke-PesterSuite.ps1') -ResultPath $pesterResult
    if (Test-Path $pesterResult) {
        $p = Get-Content -Raw $pesterResult | ConvertFrom-Json
        $passed += $p.Passed; $failed += $p.Failed; $skipped += $p.Skipped
    } else {
        Write-Host 'Pester produced no results.' -ForegroundColor Red
        $failed += 1
    }

    Write-Host ''
    Write-Output "$passed passed, $failed failed, $skipped skipped"
    if ($failed -gt 0) { exit 1 }
}

function Invoke-Demo {
    Invoke-Build
    & (Join-Path $Root 'tools/Demo.ps1') -ModulePath (Join-Path $Out 'PerplexityKeys') -EmulatorPath (Join-Path $Out 'emulator/PerplexityKeys.Emulator.dll') `
        -TestModulesPath (Join-Path $Out 'test-modules') -VaultModulePath (Join-Path $Root 'testkit/vaults/FileVault')
    if (-not $?) { exit 1 }
}

function Invoke-Chaos {
    Invoke-Build
    $r = & (Join-Path $Root 'tools/Chaos.ps1') -Rotations $(if ($Rotations) { $Rotations } else { 1000 }) -Seed $Seed
    if ($r.Stats.Violations -gt 0) { exit 1 }
}

function Invoke-Load {
    Invoke-Build
    $r = & (Join-Path $Root 'tools/Load.ps1') -Rotations $(if ($Rotations) { $Rotations } else { 100 }) -VaultKind $VaultKind
    if ($r.Failed -gt 0 -or $r.Rotations -lt $(if ($Rotations) { $Rotations } else { 100 })) { exit 1 }
}

function Invoke-Pacing {
    Invoke-Build
    $r = & (Join-Path $Root 'tools/Pacing.ps1') -Secrets $Secrets
    # Every secret ends Done or not started (never half-done), and no more 429s than the limiter's burst.
    $halfDone = @($r.Results | Where-Object { $_.State -ne 'Done' -and $_.State -ne 'NotStarted' })
    if ($halfDone.Count -gt 0 -or @($r.Results).Count -ne $Secrets -or $r.Refused -gt $r.Burst) { exit 1 }
}

function Invoke-Bench {
    Invoke-Build
    $r = & (Join-Path $Root 'bench/Bench.ps1')
    if (-not $r.Ok) { exit 1 }
}

# The tasks: their one source (names, what -Task Help says, what runs).
$Tasks = [ordered]@{
    Clean  = @{ Synopsis = 'Remove every build output (out/, bin/, obj/).'; Run = { Invoke-Clean } }
    Build  = @{ Synopsis = 'Compile the solution and lay the module out as installed: out/PerplexityKeys/<version>/.'; Run = { Invoke-Build } }
    Test   = @{ Synopsis = 'Build, then run the xunit and Pester suites; print "N passed, N failed"; exit non-zero on any failure.'; Run = { Invoke-Test } }
    Demo   = @{ Synopsis = 'Build, start the loopback emulator, and run the main job: mint, test, revoke, then rotate a key in a throwaway vault.'; Run = { Invoke-Demo } }
    Chaos  = @{ Synopsis = 'Build, then run the seeded chaos campaign (-Rotations, -Seed); exit non-zero on any violation.'; Run = { Invoke-Chaos } }
    Load   = @{ Synopsis = 'Build, then rotate under consumer load (-Rotations, -VaultKind); exit non-zero on any failed request.'; Run = { Invoke-Load } }
    Pacing = @{ Synopsis = 'Build, then rotate a batch of -Secrets (20) secrets against an organisation limit of 50 requests/min; exit non-zero on a half-done secret or more 429s than the burst.'; Run = { Invoke-Pacing } }
    Bench  = @{ Synopsis = 'Build, then run the side-by-side benchmarks in bench/; exit non-zero when a ratio is past its bound.'; Run = { Invoke-Bench } }
    Help   = @{ Synopsis = 'List the tasks.'; Run = { $Tasks.GetEnumerator() | ForEach-Object { '{0,-6} {1}' -f $_.Key, $_.Value.Synopsis } } }
}

if (-not $Tasks.Contains($Task)) {
    throw "Unknown task '$Task'. The tasks: $($Tasks.Keys -join ', ') (./build.ps1 -Task Help says what each does)."
}

& $Tasks[$Task].Run
