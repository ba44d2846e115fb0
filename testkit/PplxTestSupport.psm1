# Helpers for the Pester suites and the tools (tools/, bench/): the emulator as a child process, its control
# surface, test vaults, and reading a SecureString on purpose. Never shipped with the module.

$script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '..')).Path

function Start-PplxEmulator {
    <# Starts the emulator on a free loopback port; it exits when this process closes its stdin. #>
    [CmdletBinding()]
    param([string[]] $ArgumentList = @())
    $dll = Join-Path $script:RepoRoot 'out/emulator/PerplexityKeys.Emulator.dll'
    if (-not (Test-Path $dll)) { throw "The emulator is not built: run ./build.ps1 Build first ($dll)." }
    $psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($a in @($dll, '--port', '0', '--exit-on-stdin-close') + $ArgumentList) { $psi.ArgumentList.Add($a) }
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardError = $true
    $psi.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($psi)
    $line = $process.StandardOutput.ReadLine()
    if ($line -notlike 'PPLX-EMULATOR *') { throw "The emulator did not start: $line" }
    $info = $line.Substring('PPLX-EMULATOR '.Length) | ConvertFrom-Json
    [pscustomobject]@{
        Process  = $process
        BaseUri  = [string]$info.baseUri
        AdminKey = ConvertTo-SecureString -String $info.adminKey -AsPlainText -Force
        Control  = [string]$info.baseUri + '_emulator/'
    }
}

function Stop-PplxEmulator {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Emulator)
    $Emulator.Process.StandardInput.Close()
    if (-not $Emulator.Process.WaitForExit(10000)) { $Emulator.Process.Kill() }
}

function Invoke-PplxEmulator {
    <# Calls the control surface: Invoke-PplxEmulator $e POST faults @{ kind = 'Status'; status = 503 } #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory, Position = 0)] $Emulator,
        [Parameter(Mandatory, Position = 1)][ValidateSet('GET', 'POST', 'DELETE')] [string] $Method,
        [Parameter(Mandatory, Position = 2)] [string] $Path,
        [Parameter(Position = 3)] $Body
    )
    $params = @{ Method = $Method; Uri = $Emulator.Control + $Path }
    if ($null -ne $Body) { $params.Body = ConvertTo-Json -InputObject $Body -Depth 5; $params.ContentType = 'application/json' }
    $result = Invoke-RestMethod @params
    $result   # emitting the variable enumerates a JSON array into its items
}

function Reset-PplxEmulator {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Emulator)
    $null = Invoke-PplxEmulator $Emulator POST reset
}

function Get-PplxEmulatorKey {
    <# The emulator's view of a key, by fingerprint. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Emulator, [Parameter(Mandatory)] [string] $Fingerprint)
    Invoke-PplxEmulator $Emulator GET keys | Where-Object fingerprint -EQ $Fingerprint
}

function Get-PwshCommand {
    <# How to start another pwsh like this one: the pinned dotnet tool runs pwsh.dll through dotnet. #>
    $dll = Join-Path $PSHOME 'pwsh.dll'
    if (Test-Path $dll) { [pscustomobject]@{ FilePath = 'dotnet'; Arguments = @($dll) } }
    else { [pscustomobject]@{ FilePath = (Join-Path $PSHOME 'pwsh'); Arguments = @() } }
}

function Use-PplxTestHome {
    <# Gives this process, and every process it starts, its own HOME under a temp folder, so SecretManagement's
       vault registry ($HOME/.secretmanagement/secretvaultregistry/vaultinfo, the only place the real module
       reads) is never the user's. Once per process: SecretManagement reads HOME once, at its first use, so
       this must run before any SecretManagement call. dotnet keeps its own folders (DOTNET_CLI_HOME,
       NUGET_PACKAGES), so `dotnet pwsh` and the NuGet cache still resolve. Returns the HOME. #>
    [CmdletBinding()]
    param()
    if ($env:PPLX_TEST_HOME -and $env:HOME -eq $env:PPLX_TEST_HOME -and (Test-Path $env:PPLX_TEST_HOME)) { return $env:PPLX_TEST_HOME }
    $original = $env:HOME
    if ($original) {
        if (-not $env:DOTNET_CLI_HOME) { $env:DOTNET_CLI_HOME = $original }
        if (-not $env:NUGET_PACKAGES) { $env:NUGET_PACKAGES = Join-Path $original '.nuget/packages' }
    }
    $dir = Join-Path ([IO.Path]::GetTempPath()) "pplx-home-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Force $dir
    $env:HOME = $dir
    $env:PPLX_TEST_HOME = $dir
    $dir
}

function Use-PplxTestRegistry {
    <# A clean start for one test: this process's own HOME (Use-PplxTestHome), every vault unregistered from
       its registry, and a fresh work folder for vault files and logs ($env:PPLX_TEST_WORK, returned). #>
    [CmdletBinding()]
    param()
    $testHome = Use-PplxTestHome
    $vaults = @(Microsoft.PowerShell.SecretManagement\Get-SecretVault -ErrorAction SilentlyContinue)
    # Only this run's vaults (files under its HOME) are ever unregistered. Any other vault means SecretManagement
    # was first used before HOME was changed, and the registry in use is the user's own: refuse to touch it.
    $foreign = @($vaults | Where-Object { -not "$($_.VaultParameters['Path'])".StartsWith($testHome + [IO.Path]::DirectorySeparatorChar) })
    if ($foreign.Count -gt 0) {
        throw "The SecretManagement registry in use holds vaults that are not this test run's ($($foreign.Name -join ', ')): SecretManagement was used before this process had its own HOME. Call Use-PplxTestHome before any SecretManagement call."
    }
    if ($vaults.Count -gt 0) { $vaults | Microsoft.PowerShell.SecretManagement\Unregister-SecretVault -Confirm:$false }
    $work = Join-Path $testHome "work-$([guid]::NewGuid().ToString('N'))"
    $null = New-Item -ItemType Directory -Force $work
    $env:PPLX_TEST_WORK = $work
    $work
}

function New-PplxTestVault {
    <# Registers a test extension vault backed by a file in the work folder. File: with metadata; Flaky: without,
       failing on demand; Store: like SecretStore (per-process cache reloaded -CacheSeconds after a
       change, default 5; -Password starts it locked in every process, relocking -PasswordTimeout
       seconds after an unlock; a locked call prompts or, with -Interaction None, fails);
       KeyVault: like Azure Key Vault (no metadata, names of letters, digits and dashes, soft delete). #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)][ValidateSet('File', 'Flaky', 'Store', 'KeyVault')] [string] $Kind, [Parameter(Mandatory)] [string] $Name, [switch] $DefaultVault,
        [double] $CacheSeconds, [string] $Password, [int] $PasswordTimeout, [ValidateSet('Prompt', 'None')] [string] $Interaction
    )
    if (-not $env:PPLX_TEST_WORK -or -not (Test-Path $env:PPLX_TEST_WORK)) { $null = Use-PplxTestRegistry }
    $path = Join-Path $env:PPLX_TEST_WORK "$Name.json"
    $module = Join-Path $PSScriptRoot "vaults/$(if ($Kind -eq 'KeyVault') { 'KeyVaultLikeVault' } else { "${Kind}Vault" })"
    $parameters = @{ Path = $path }
    foreach ($setting in 'CacheSeconds', 'Password', 'PasswordTimeout', 'Interaction') {
        if (-not $PSBoundParameters.ContainsKey($setting)) { continue }
        if ($Kind -ne 'Store') { throw [System.ArgumentException]::new("-$setting is a setting of -Kind Store vaults only.") }
        $parameters[$setting] = $PSBoundParameters[$setting]
    }
    Microsoft.PowerShell.SecretManagement\Register-SecretVault -ModuleName $module -Name $Name -VaultParameters $parameters -DefaultVault:$DefaultVault -AllowClobber
    [pscustomobject]@{ Name = $Name; Path = $path; Kind = $Kind }
}

function Get-PplxTestVaultDeletedSecret {
    <# The names a KeyVault test vault holds as soft-deleted (they cannot be written until purged). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Vault)
    $file = "$($Vault.Path).deleted.json"
    if (Test-Path $file) { $data = Get-Content -Raw $file | ConvertFrom-Json -AsHashtable; if ($data) { @($data.Keys) | Sort-Object } }
}

function Remove-PplxTestVaultDeletedSecret {
    <# Purges soft-deleted names of a KeyVault test vault (wildcards allowed), as Remove-AzKeyVaultSecret -InRemovedState would. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Vault, [Parameter(Mandatory)] [string] $Name)
    . (Join-Path $PSScriptRoot 'vaults/Common/FileLock.ps1')
    $file = "$($Vault.Path).deleted.json"
    Use-VaultFileLock $Vault.Path {
        if (-not (Test-Path $file)) { return }
        $data = Get-Content -Raw $file | ConvertFrom-Json -AsHashtable
        $kept = @{}
        if ($data) { foreach ($k in $data.Keys) { if ($k -notlike $Name) { $kept[$k] = $data[$k] } } }
        $tmp = "$file.$PID.tmp"
        $kept | ConvertTo-Json -Depth 4 | Set-Content $tmp
        [System.IO.File]::Move($tmp, $file, $true)
    }
}

function Start-PplxVaultClient {
    <# Starts testkit/VaultClient.ps1 in another pwsh (this environment, -NonInteractive): a
       SecretManagement caller of -Vault that runs one command at a time (Invoke-PplxVaultClient),
       so a test can interleave the vault calls of two processes. Returns once it answers. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Vault)
    $pwsh = Get-PwshCommand
    $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
    foreach ($a in @($pwsh.Arguments) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'VaultClient.ps1'), '-Vault', $Vault)) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardInput = $true
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($psi)
    $client = [pscustomobject]@{ Process = $process; Vault = $Vault; Stderr = $process.StandardError.ReadToEndAsync() }
    $null = Invoke-PplxVaultClient $client @{ op = 'ping' } -TimeoutSeconds 120
    $client
}

function Invoke-PplxVaultClient {
    <# Runs one command in a vault client: Invoke-PplxVaultClient $c @{ op = 'get'; name = 'a' }. Returns its answer
       (ok, value, infos, error, exceptions, messages); see testkit/VaultClient.ps1. #>
    [CmdletBinding()]
    param([Parameter(Mandatory, Position = 0)] $Client, [Parameter(Mandatory, Position = 1)] [hashtable] $Command, [int] $TimeoutSeconds = 30)
    $Client.Process.StandardInput.WriteLine(($Command | ConvertTo-Json -Compress -Depth 4))
    $Client.Process.StandardInput.Flush()
    while ($true) {
        $read = $Client.Process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait([TimeSpan]::FromSeconds($TimeoutSeconds))) { throw "The vault client did not answer '$($Command.op)' within $TimeoutSeconds s." }
        if ($null -eq $read.Result) { $null = $Client.Stderr.Wait(5000); throw "The vault client ended: $(if ($Client.Stderr.IsCompleted) { $Client.Stderr.Result })" }
        if ($read.Result.StartsWith('PPLX-VAULT-CLIENT ')) { return $read.Result.Substring('PPLX-VAULT-CLIENT '.Length) | ConvertFrom-Json -AsHashtable }
    }
}

function Stop-PplxVaultClient {
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Client)
    $Client.Process.StandardInput.Close()
    if (-not $Client.Process.WaitForExit(10000)) { $Client.Process.Kill() }
}

function Initialize-PplxTestWorld {
    <# Before each vault test: a clean emulator, the environment pointed at it (admin key as the
       authorizing key), a fresh vault registry, and two vaults: Prod (File, default) and Flaky. #>
    param([Parameter(Mandatory)] $Emulator)
    Reset-PplxEmulator $Emulator
    $env:PERPLEXITY_BASE_URL = $Emulator.BaseUri
    $env:PERPLEXITY_API_KEY = $Emulator.AdminKey | Get-PlainText
    $null = Use-PplxTestRegistry
    New-PplxTestVault -Kind File -Name Prod -DefaultVault
    New-PplxTestVault -Kind Flaky -Name Flaky
}

function Set-PplxTestVaultFault {
    <# Queues FlakyVault faults: -FailNextSet, -StaleNextGet, -StaleAfterSet, -HangOnSet (names), -Locked, -Prompt
       (every call stops the pipeline, as SecretStore's password prompt does on a closed stdin), -Broken <reason>
       (every call throws an IOException with that reason). #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] $Vault, [string[]] $FailNextSet = @(), [string[]] $StaleNextGet = @(), [string[]] $StaleAfterSet = @(), [string[]] $HangOnSet = @(), [switch] $Locked, [switch] $Prompt, [string] $Broken = '')
    $tmp = "$($Vault.Path).faults.$PID.tmp"
    @{ FailNextSet = $FailNextSet; StaleNextGet = $StaleNextGet; StaleAfterSet = $StaleAfterSet; HangOnSet = $HangOnSet; Locked = $Locked.IsPresent; Prompt = $Prompt.IsPresent; Broken = $Broken } |
        ConvertTo-Json | Set-Content $tmp
    [System.IO.File]::Move($tmp, "$($Vault.Path).faults.json", $true)
}

function Stop-PplxPipelineWhen {
    <# Runs -Script in a pipeline of its own (one script, not a batch of statements: stopping a batch races PowerShell's
       own batch worker), waits until -Until is true or the script ends, then stops the pipeline as Ctrl+C does. Returns
       its state before and after the stop, and how long the stop took. #>
    [CmdletBinding()]
    param([Parameter(Mandatory)] [string] $Script, [object[]] $ArgumentList = @(), [Parameter(Mandatory)] [scriptblock] $Until)
    $ps = [powershell]::Create()
    $null = $ps.AddScript($Script)
    foreach ($argument in $ArgumentList) { $null = $ps.AddArgument($argument) }
    $async = $ps.BeginInvoke()
    while (-not (& $Until)) {
        if ($async.AsyncWaitHandle.WaitOne(20)) { break }
    }
    $before = $ps.InvocationStateInfo.State
    $stopwatch = [System.Diagnostics.Stopwatch]::StartNew()
    $ps.Stop()
    $stopwatch.Stop()
    $after = $ps.InvocationStateInfo.State
    try { $null = $ps.EndInvoke($async) } catch [System.Management.Automation.PipelineStoppedException] { }
    $ps.Dispose()
    [pscustomobject]@{ Before = $before; After = $after; Stop = $stopwatch.Elapsed }
}

function Wait-PplxCondition {
    <# Polls a condition (another process's progress, which this one cannot await) until true or the timeout. #>
    param([Parameter(Mandatory)] [scriptblock] $Condition, [int] $TimeoutSeconds = 60, [string] $Because = 'the condition')
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    while (-not (& $Condition)) {
        if ([DateTime]::UtcNow -gt $deadline) { throw "Timed out after $TimeoutSeconds s waiting for $Because." }
        [System.Threading.Thread]::Sleep(25)
    }
}

function Start-PplxChildScript {
    <# Starts a testkit script in a fresh pwsh that inherits this process's environment. #>
    param([Parameter(Mandatory)] [string] $Script, [string[]] $ArgumentList = @())
    $pwsh = Get-PwshCommand
    $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
    foreach ($a in @($pwsh.Arguments) + @('-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot $Script)) + $ArgumentList) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $process = [System.Diagnostics.Process]::Start($psi)
    $null = $process.StandardOutput.ReadToEndAsync()
    $null = $process.StandardError.ReadToEndAsync()
    $process
}

function Invoke-PplxRotationsTogether {
    <# Runs one Invoke-TestRotation.ps1 per hashtable of its parameters, each in its own pwsh and with a -GoFile, so
       that every process reads the vault first (a copy in its cache, as services that have run a while hold) and
       they start rotating together. Waits for every one to end (bounded) and returns their exit codes, in order. #>
    param([Parameter(Mandatory)] [hashtable[]] $Rotations, [int] $TimeoutSeconds = 240)
    $go = Join-Path $env:PPLX_TEST_WORK "go-$([guid]::NewGuid().ToString('N'))"
    $children = foreach ($rotation in $Rotations) {
        $arguments = @('-GoFile', $go)
        foreach ($name in $rotation.Keys) { $arguments += @("-$name", [string] $rotation[$name]) }
        Start-PplxChildScript 'Invoke-TestRotation.ps1' $arguments
    }
    Wait-PplxCondition { @(Get-ChildItem "$go.*.ready").Count -eq $Rotations.Count } -TimeoutSeconds 120 -Because 'every rotating process to have read the vault'
    Set-Content $go 'go'
    foreach ($child in $children) {
        if (-not $child.WaitForExit($TimeoutSeconds * 1000)) { $child.Kill(); throw "A rotating process did not end within $TimeoutSeconds s." }
        $child.ExitCode
    }
}

function Invoke-PplxPipelineStep {
    <# Runs -Script in a fresh pwsh as a pipeline agent runs a step: -NonInteractive, stdin closed, stdout and stderr
       read whole. The child inherits this process's environment without TF_BUILD, GITHUB_ACTIONS and GITHUB_OUTPUT;
       -Environment sets variables of its own (those, for one). Returns the exit code, stdout's lines and stderr. #>
    param([Parameter(Mandatory)] [string] $Script, [hashtable] $Environment = @{}, [int] $TimeoutSeconds = 120)
    $run = Invoke-PplxChildPwsh -Arguments '-NonInteractive' -Command "Import-Module '$env:PPLX_TEST_MODULE'; $Script" -Environment $Environment -Without 'TF_BUILD', 'GITHUB_ACTIONS', 'GITHUB_OUTPUT' -TimeoutSeconds $TimeoutSeconds
    [pscustomobject]@{ ExitCode = $run.ExitCode; Lines = @($run.Output -split '\r?\n' | Where-Object { $_ -ne '' }); Stderr = $run.Errors }
}

function Enter-PplxTestEnvironment {
    <# For tools/ scripts: gives the run its own HOME (Use-PplxTestHome), puts the laid-out module and the
       SecretManagement double in reach and imports them; returns the environment as it was, for Exit-PplxTestEnvironment. #>
    $saved = @{}
    foreach ($name in 'PSModulePath', 'PERPLEXITY_BASE_URL', 'PERPLEXITY_API_KEY', 'PPLX_TEST_MODULE', 'PPLX_TEST_WORK', 'HOME', 'PPLX_TEST_HOME', 'DOTNET_CLI_HOME', 'NUGET_PACKAGES') { $saved[$name] = [Environment]::GetEnvironmentVariable($name) }
    # A tool run has its own HOME, unless this process already has one (a tool run inside the Pester run).
    $runHome = Use-PplxTestHome
    $saved['(created home)'] = if ($saved['PPLX_TEST_HOME'] -ne $runHome) { $runHome } else { $null }
    $env:PSModulePath = (Join-Path $script:RepoRoot 'out/test-modules') + [IO.Path]::PathSeparator + $env:PSModulePath
    $env:PPLX_TEST_MODULE = Join-Path $script:RepoRoot 'out/PerplexityKeys'
    Import-Module $env:PPLX_TEST_MODULE -Global
    Import-Module Microsoft.PowerShell.SecretManagement -Global
    $saved
}

function Exit-PplxTestEnvironment([hashtable] $Saved) {
    $created = $Saved['(created home)']
    foreach ($name in $Saved.Keys) { if ($name -ne '(created home)') { [Environment]::SetEnvironmentVariable($name, $Saved[$name]) } }
    if ($created) { Remove-Item -Recurse -Force $created -ErrorAction Ignore }
}

function Invoke-PplxChildPwsh {
    <# Another pwsh with its input closed at once (nobody to answer a prompt), as a scheduled task runs it: its exit code
       and all it wrote (stdout, then stderr). -Command runs a script text, -File a script with -ArgumentList. #>
    param([string[]] $Arguments = @(), [string] $Command, [string] $File, [string[]] $ArgumentList = @(), [hashtable] $Environment = @{}, [string[]] $Without = @(), [int] $TimeoutSeconds = 120)
    $pwsh = Get-PwshCommand
    $psi = [System.Diagnostics.ProcessStartInfo]::new($pwsh.FilePath)
    $run = if ($File) { @('-File', $File) + $ArgumentList } else { @('-Command', $Command) }
    foreach ($a in @($pwsh.Arguments) + @('-NoProfile') + $Arguments + $run) { $psi.ArgumentList.Add($a) }
    foreach ($name in $Without) { $null = $psi.Environment.Remove($name) }
    foreach ($name in $Environment.Keys) { $psi.Environment[$name] = [string] $Environment[$name] }
    $psi.RedirectStandardInput = $true; $psi.RedirectStandardOutput = $true; $psi.RedirectStandardError = $true; $psi.UseShellExecute = $false
    $p = [System.Diagnostics.Process]::Start($psi)
    $p.StandardInput.Close()
    $stdout = $p.StandardOutput.ReadToEndAsync(); $stderr = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit($TimeoutSeconds * 1000)) { $p.Kill(); throw "The child pwsh did not end within $TimeoutSeconds s." }
    [pscustomobject]@{ ExitCode = $p.ExitCode; Output = $stdout.Result; Errors = $stderr.Result; Text = $stdout.Result + $stderr.Result }
}

function Get-PplxNewerSyntax {
    <# What a script uses that Windows PowerShell 5.1 cannot parse (?? ??= ?. ?[ && || and the ternary came with
       PowerShell 7), as "<token> at line <n>", plus any parse error: empty when 5.1 can run it. #>
    param([Parameter(Mandatory)] [string] $Path)
    $tokens = $null; $errors = $null
    $null = [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref]$tokens, [ref]$errors)
    foreach ($e in $errors) { "parse error: $($e.Message) at line $($e.Extent.StartLineNumber)" }
    $newer = 'QuestionQuestion', 'QuestionQuestionEquals', 'QuestionDot', 'QuestionLBracket', 'AndAnd', 'OrOr', 'QuestionMark'
    $tokens | Where-Object { $_.Kind -in $newer } | ForEach-Object { "$($_.Text) at line $($_.Extent.StartLineNumber)" }
}

function Get-PplxCoreType {
    <# A type of PerplexityKeys.Core by its full name. On PowerShell 7 the core lives in the module's own load context,
       where PowerShell's type names ([PerplexityKeys.Core...]) do not reach (docs/loading.md); the assembly is found
       among the loaded ones instead. #>
    param([Parameter(Mandatory, Position = 0)] [string] $FullName)
    $core = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'PerplexityKeys.Core' } | Select-Object -First 1
    if (-not $core) { throw 'PerplexityKeys.Core is not loaded: import PerplexityKeys and run a command first.' }
    $core.GetType($FullName, $true)
}

function Get-PplxLiveHelper {
    <# The helper secrets of a rotation of -SecretName that hold anything but their idle value (helpers are never
       deleted, only set idle): empty when no rotation is under way. #>
    param([Parameter(Mandatory, Position = 0)] [string] $Vault, [Parameter(Mandatory, Position = 1)] [string] $SecretName)
    $names = Get-PplxCoreType PerplexityKeys.Core.Rotation.SiblingNames
    foreach ($suffix in $names::PendingSuffix, $names::PreviousSuffix, $names::JournalSuffix) {
        $name = $names::Of($SecretName, $suffix)
        $value = Microsoft.PowerShell.SecretManagement\Get-Secret -Vault $Vault -Name $name -AsPlainText -ErrorAction Ignore
        if ($null -eq $value) { continue }
        $idle = if ($suffix -eq $names::JournalSuffix) { [bool]((Get-PplxCoreType PerplexityKeys.Core.Rotation.RotationJournal)::TryParse($value).Idle) } else { $value -eq $names::IdleValue }
        if (-not $idle) { $name }
    }
}

function Get-PlainText {
    <# Tests only: the text of a SecureString, to search outputs for leaks. #>
    param([Parameter(Mandatory, ValueFromPipeline)] [securestring] $Secure)
    process { [System.Net.NetworkCredential]::new('', $Secure).Password }
}

Export-ModuleMember -Function Invoke-PplxChildPwsh, Get-PplxNewerSyntax, Get-PplxCoreType, Get-PplxLiveHelper, Start-PplxEmulator, Stop-PplxEmulator, Invoke-PplxEmulator, Reset-PplxEmulator, Get-PplxEmulatorKey, Get-PwshCommand, Get-PlainText, Use-PplxTestHome, Use-PplxTestRegistry, Initialize-PplxTestWorld, New-PplxTestVault, Get-PplxTestVaultDeletedSecret, Remove-PplxTestVaultDeletedSecret, Start-PplxVaultClient, Invoke-PplxVaultClient, Stop-PplxVaultClient, Set-PplxTestVaultFault, Stop-PplxPipelineWhen, Wait-PplxCondition, Start-PplxChildScript, Invoke-PplxRotationsTogether, Enter-PplxTestEnvironment, Exit-PplxTestEnvironment, Invoke-PplxPipelineStep
