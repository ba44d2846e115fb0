<#
.SYNOPSIS
    A batch under an organisation rate limit: the emulator allows -Rpm requests a minute for the whole
    organisation, and the module is paced at the same limit (-MaxRequestsPerMinute). Prints one line:
        pacing: <N> secrets at <R> requests/min: Done=<n>, …; <Q> requests, <T> answered 429; <S> s
    Every secret must end Done (or be reported not started), and 429s stay within the limiter's burst.
#>
param([int] $Secrets = 20, [int] $Rpm = 50)
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..")).Path
Set-StrictMode -Off
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $Root 'testkit/PplxTestSupport.psm1')
$saved = Enter-PplxTestEnvironment
$emu = Start-PplxEmulator -ArgumentList @('--rpm', "$Rpm")
try {
    $env:PERPLEXITY_BASE_URL = $emu.BaseUri
    $env:PERPLEXITY_API_KEY = $null
    $null = Use-PplxTestRegistry
    $null = New-PplxTestVault -Kind File -Name Batch
    $sw = [Diagnostics.Stopwatch]::StartNew()
    1..$Secrets | ForEach-Object { $null = New-PplxToken -ApiKey $emu.AdminKey -TokenName "seed/b$_" -Vault Batch -SecretName ("pplx-b{0:D3}" -f $_) -MaxRequestsPerMinute $Rpm }
    $results = Get-SecretInfo -Vault Batch -Name 'pplx-b*' | Invoke-PplxRotation -Force -MaxRequestsPerMinute $Rpm -ErrorAction Continue
    $sw.Stop()
    $log = @(Invoke-PplxEmulator $emu GET requests)
    $states = $results | Group-Object State | ForEach-Object { "$($_.Name)=$($_.Count)" }
    $line = "pacing: $Secrets secrets at $Rpm requests/min: $($states -join ', '); $($log.Count) requests, $(@($log | Where-Object status -EQ 429).Count) answered 429; $([math]::Round($sw.Elapsed.TotalSeconds)) s"
    Write-Host $line
    # The limiter's burst (OrganisationPacer: a tenth of a minute's requests, at least one).
    [pscustomobject]@{ Line = $line; Results = $results; Requests = $log.Count; Refused = @($log | Where-Object status -EQ 429).Count; Burst = [math]::Max(1, [math]::Floor($Rpm / 10)) }
}
finally { Stop-PplxEmulator $emu; Exit-PplxTestEnvironment $saved }
