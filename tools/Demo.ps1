<#
.SYNOPSIS
    The main job on the built-in default: a loopback emulator of the Perplexity API, no real key.
.DESCRIPTION
    Starts the emulator, imports the laid-out module, mints a service key with the emulator's
    seeded admin key, probes it both ways, revokes it and shows that it is refused afterwards.
    Then keeps a key in a throwaway SecretManagement vault and rotates it with zero downtime:
    through the real SecretManagement when it is installed, else through the test double (it
    says which). The run has its own HOME in a temp folder, so the vault is registered in a
    throwaway registry, never the user's. No key text is printed: only fingerprints.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $EmulatorPath,
    [Parameter(Mandatory)] [string] $TestModulesPath,
    [Parameter(Mandatory)] [string] $VaultModulePath
)

$ErrorActionPreference = 'Stop'
$registered = $false
$work = Join-Path ([IO.Path]::GetTempPath()) "pplx-demo-$([guid]::NewGuid().ToString('N'))"
$null = New-Item -ItemType Directory -Force $work
$savedEnv = @{}
foreach ($name in 'HOME', 'DOTNET_CLI_HOME', 'NUGET_PACKAGES', 'PSModulePath') { $savedEnv[$name] = [Environment]::GetEnvironmentVariable($name) }
$psi = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($a in $EmulatorPath, '--port', '0', '--exit-on-stdin-close') { $psi.ArgumentList.Add($a) }
$psi.RedirectStandardOutput = $true
$psi.RedirectStandardInput = $true
$psi.RedirectStandardError = $true
$psi.UseShellExecute = $false
$emulator = [System.Diagnostics.Process]::Start($psi)
try {
    $info = $emulator.StandardOutput.ReadLine().Substring('PPLX-EMULATOR '.Length) | ConvertFrom-Json
    $env:PERPLEXITY_BASE_URL = $info.baseUri
    $adminKey = ConvertTo-SecureString $info.adminKey -AsPlainText -Force
    Import-Module $ModulePath -Force

    Write-Host "Emulator of the Perplexity API at $($info.baseUri) (loopback only)." -ForegroundColor Cyan
    Write-Host "`n1. Mint a key for a service, authorized by the admin key:" -ForegroundColor Cyan
    $token = New-PplxToken -TokenName 'demo-service' -ApiKey $adminKey
    $token | Format-Table | Out-Host

    Write-Host '2. Probe it: the free probe (GET /v1/models, the default) and the paid Agent API probe (POST /v1/agent, one request):' -ForegroundColor Cyan
    @($token | Test-PplxToken) + @($token | Test-PplxToken -Probe Completion) | Format-Table | Out-Host
    Write-Host ('   The key can use: ' + (($token | Test-PplxToken).Models -join ', ')) -ForegroundColor Cyan

    Write-Host '3. Revoke it (-Force: no prompt), then probe again:' -ForegroundColor Cyan
    $token | Revoke-PplxToken -ApiKey $adminKey -Force -PassThru | Format-Table | Out-Host
    $after = $token | Test-PplxToken
    $after | Format-Table | Out-Host

    if ($after.Status -ne 'Invalid') { throw "The revoked key still probes as $($after.Status)." }

    # --- Rotation through a throwaway vault ----------------------------------------------------
    # Real means any SecretManagement outside this project's test modules: only standard module properties are read.
    $doubleBase = [IO.Path]::GetFullPath($TestModulesPath)
    $real = Get-Module -ListAvailable Microsoft.PowerShell.SecretManagement | Where-Object { -not ([IO.Path]::GetFullPath($_.ModuleBase).StartsWith($doubleBase)) } | Select-Object -First 1
    if ($real) {
        Write-Host "`nSecretManagement $($real.Version) is installed: the demo uses the real module." -ForegroundColor Cyan
    }
    else {
        $env:PSModulePath = $TestModulesPath + [IO.Path]::PathSeparator + $env:PSModulePath
        Write-Host "`nSecretManagement is not installed: the demo uses the project's test double of it (testkit/SecretManagementDouble)." -ForegroundColor Yellow
    }
    # SecretManagement keeps its vault registry under $HOME and reads HOME once, at its first use: give
    # this run its own HOME before that (dotnet keeps its own folders).
    if ($env:HOME) {
        if (-not $env:DOTNET_CLI_HOME) { $env:DOTNET_CLI_HOME = $env:HOME }
        if (-not $env:NUGET_PACKAGES) { $env:NUGET_PACKAGES = Join-Path $env:HOME '.nuget/packages' }
    }
    $env:HOME = Join-Path $work 'home'
    $null = New-Item -ItemType Directory -Force $env:HOME
    Import-Module Microsoft.PowerShell.SecretManagement
    $vaultName = "PplxDemo$([guid]::NewGuid().ToString('N').Substring(0, 6))"
    Register-SecretVault -Name $vaultName -ModuleName $VaultModulePath -VaultParameters @{ Path = (Join-Path $work 'vault.json') }
    $registered = $true
    Write-Host "Registered the throwaway vault '$vaultName' (a file-backed extension vault in a temp folder)." -ForegroundColor Cyan

    Write-Host "`n4. Mint a service key straight into the vault:" -ForegroundColor Cyan
    $stored = New-PplxToken -TokenName 'billing-api' -ApiKey $adminKey -Vault $vaultName -SecretName 'pplx-billing'
    Get-SecretInfo -Vault $vaultName | Format-Table Name, VaultName, Type | Out-Host

    Write-Host '5. Test every key the vault holds:' -ForegroundColor Cyan
    Get-SecretInfo -Vault $vaultName -Name 'pplx-*' | Test-PplxToken | Format-Table | Out-Host

    Write-Host '6. Rotate it: the key being rotated mints its successor, the successor revokes it:' -ForegroundColor Cyan
    $rotation = Get-SecretInfo -Vault $vaultName -Name 'pplx-*' |
        Invoke-PplxRotation -Force -PropagationDelay '00:00:01' -OnNewToken { Write-Host "   -OnNewToken: hand $($_.Fingerprint) to the service (e.g. restart it)." }
    $rotation | Format-Table | Out-Host
    $rotation.Steps | Format-Table Name, @{ n = 'ms'; e = { [math]::Round($_.Duration.TotalMilliseconds) } }, Outcome | Out-Host

    Write-Host '7. The vault now holds the new key, and the old one is refused:' -ForegroundColor Cyan
    @(Test-PplxToken -Vault $vaultName -SecretName 'pplx-billing') + @($stored | Test-PplxToken) | Format-Table | Out-Host
    if ($rotation.State -ne 'Done') { throw "The rotation ended $($rotation.State)." }

    # The emulator answers as the live API does today; the module must not have called a retired Sonar path.
    $requests = @(Invoke-RestMethod ($info.baseUri + '_emulator/requests') | ForEach-Object { $_ })
    $retired = @($requests | Where-Object { $_.path -like '*chat/completions*' })
    Write-Host "8. The emulator served $($requests.Count) API requests, $($retired.Count) of them to a retired Sonar path." -ForegroundColor Cyan
    if ($retired.Count -gt 0) { throw "The module called a retired Sonar path: $($retired[0].method) $($retired[0].path)." }
    Write-Host 'Demo finished: minted, proven, revoked; stored, rotated with zero downtime, old key refused.' -ForegroundColor Green
}
finally {
    if ($registered) { Unregister-SecretVault -Name $vaultName }
    foreach ($name in $savedEnv.Keys) { [Environment]::SetEnvironmentVariable($name, $savedEnv[$name]) }
    Remove-Item -Recurse -Force $work -ErrorAction Ignore
    $emulator.StandardInput.Close()
    if (-not $emulator.WaitForExit(10000)) { $emulator.Kill() }
}
