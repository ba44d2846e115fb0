# Windows PowerShell 5.1 by proxy (docs/loading.md, "How we know, without Windows"): tests/NetFxProxy, a net472 host
# with no binding redirects, runs beside a copy of the laid-out lib/ under Mono's strict loader (on Windows, on .NET
# Framework itself), once without the module's resolver and once with it. Without mono the tests are skipped, never passed.
BeforeAll {
    Import-Module $env:PPLX_TEST_SUPPORT
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $exe = Get-ChildItem (Join-Path $root 'tests/NetFxProxy/bin/*/net472/NetFxProxy.exe') -ErrorAction Ignore | Sort-Object LastWriteTime | Select-Object -Last 1
    $lib = Get-ChildItem (Join-Path $env:PPLX_TEST_MODULE '*/lib') -Directory | Select-Object -First 1

    $why = $null
    $mono = Get-Command mono -CommandType Application -ErrorAction Ignore | Select-Object -First 1
    $facades = Join-Path $root 'out/mono-facades'
    if (-not $exe -or -not $lib) {
        throw "The proxy host or the laid-out module is missing (exe: $exe, lib: $lib): run ./build.ps1 -Task Build first."
    }
    if (-not $IsWindows) {
        if (-not $mono) {
            $why = 'mono is not installed (./build.ps1 -Task Test installs it where it runs as root with apt-get)'
        } elseif (-not (Test-Path (Join-Path (Split-Path (Split-Path $mono.Source)) 'lib/mono/4.5/Facades/netstandard.dll')) -and -not (Test-Path (Join-Path $facades 'netstandard.dll'))) {
            $why = "mono has no netstandard.dll facade (Debian ships it in mono-devel; ./build.ps1 -Task Test unpacks it into $facades)"
        }
    }

    if (-not $why) {
        # What ships for Windows PowerShell, and the host beside it: the host's folder is lib/ as laid out.
        $dir = Join-Path $TestDrive 'proxy'
        $null = New-Item -ItemType Directory $dir
        Copy-Item $exe.FullName $dir
        Get-ChildItem $lib.FullName -Filter *.dll | Where-Object Name -NE 'PerplexityKeys.LoadContext.dll' | Copy-Item -Destination $dir
        $emulator = Start-PplxEmulator
    }

    function Invoke-Proxy([switch] $NoResolver) {
        $arguments = @('--base-uri', $emulator.BaseUri) + @(if ($NoResolver) { '--no-resolver' })
        $env:PPLX_PROXY_ADMIN_KEY = $emulator.AdminKey | Get-PlainText
        $savedMonoPath = $env:MONO_PATH
        if (Test-Path (Join-Path $facades 'netstandard.dll')) { $env:MONO_PATH = $facades }
        try {
            $lines = if ($IsWindows) { & (Join-Path $dir 'NetFxProxy.exe') @arguments 2>&1 }
            else { & $mono.Source --assembly-loader=strict (Join-Path $dir 'NetFxProxy.exe') @arguments 2>&1 }
            $exitCode = $LASTEXITCODE
        } finally {
            Remove-Item Env:PPLX_PROXY_ADMIN_KEY
            $env:MONO_PATH = $savedMonoPath
        }
        $lines | ForEach-Object { Write-Host "    $_" }
        [pscustomobject]@{ ExitCode = $exitCode; Text = ($lines | Out-String) }
    }
}

AfterAll {
    if ($emulator) { Stop-PplxEmulator $emulator }
}

Describe 'The core on .NET Framework rules (NetFxProxy)' {
    It 'is built as powershell.exe runs a module: no .exe.config, none of the module''s assemblies beside it' {
        Test-Path "$($exe.FullName).config" | Should -BeFalse
        @(Get-ChildItem $exe.Directory -Filter *.dll).Name | Should -BeNullOrEmpty
    }

    It 'fails without the resolver, naming the assembly whose version does not match' {
        if ($why) { Set-ItResult -Skipped -Because $why; return }
        $run = Invoke-Proxy -NoResolver
        $run.ExitCode | Should -Be 1
        # Polly.Core asks for Microsoft.Bcl.TimeProvider 8.0.0.0; lib/ ships 8.0.0.1. .NET Framework throws a
        # FileLoadException; Mono reports the same load failure, wrapped in a TypeLoadException when it sets up a type.
        $run.Text | Should -Match "step polly: FAILED System\.(IO\.FileLoadException|IO\.FileNotFoundException|TypeLoadException): .*Could not load file or assembly 'Microsoft\.Bcl\.TimeProvider, Version=8\.0\.0\.0"
        $run.Text | Should -Match 'step mint: FAILED'
    }

    It 'passes every step with the resolver: System.Text.Json, a Polly retry, a probe and a mint against the emulator' {
        if ($why) { Set-ItResult -Skipped -Because $why; return }
        $run = Invoke-Proxy
        $run.Text | Should -Match 'step json: ok'
        $run.Text | Should -Match 'step polly: ok 2 attempts'
        $run.Text | Should -Match 'step probe: ok pplx-\S+ Valid'
        $run.Text | Should -Match 'step mint: ok minted pplx-\S+ .*Valid'
        $run.Text | Should -Match 'proxy: 4 passed, 0 failed'
        $run.ExitCode | Should -Be 0
    }
}
