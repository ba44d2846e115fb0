<#
.SYNOPSIS
    In a fresh pwsh: imports OtherPolly (its own Polly.Core 8.4.2) and PerplexityKeys in the order given, runs the other
    module's Polly pipeline and a rotation of -SecretName, and writes -ResultFile: each step's outcome and every
    Polly.Core loaded (file and load context). The vault registry (HOME), base URI and module path come from the environment.
#>
param([Parameter(Mandatory)] [ValidateSet('OtherFirst', 'OursFirst')] [string] $Order, [Parameter(Mandatory)] [string] $Vault, [Parameter(Mandatory)] [string] $SecretName, [Parameter(Mandatory)] [string] $ResultFile)
$ErrorActionPreference = 'Stop'
$steps = [ordered]@{}
function Step([string] $Name, [scriptblock] $Body) {
    try { $steps[$Name] = "$(& $Body)" } catch { $steps[$Name] = "Failed: $($_.Exception.GetType().Name): $($_.Exception.Message)" }
}

$imports = if ($Order -eq 'OtherFirst') { 'OtherPolly', $env:PPLX_TEST_MODULE } else { $env:PPLX_TEST_MODULE, 'OtherPolly' }
foreach ($module in $imports) {
    Step "import $(Split-Path -Leaf $module)" { Import-Module $module; 'Done' }
    if ($module -eq 'OtherPolly') { Step 'other pipeline' { $r = Invoke-OtherPolly; "$($r.Attempts) attempts on $($r.Version)" } }
}
Step 'rotation' { (Invoke-PplxRotation -Vault $Vault -SecretName $SecretName -Force).State }
Step 'other pipeline after' { $r = Invoke-OtherPolly; "$($r.Attempts) attempts on $($r.Version)" }

$pollys = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'Polly.Core' } | ForEach-Object {
    @{ location = $_.Location; context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name }
}
@{ steps = $steps; pollys = @($pollys) } | ConvertTo-Json -Compress -Depth 4 | Set-Content -Path $ResultFile
