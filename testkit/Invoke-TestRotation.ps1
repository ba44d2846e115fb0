<#
.SYNOPSIS
    Runs Invoke-PplxRotation in its own pwsh, as a scheduled task would (tests kill it mid-run, or run
    two at once). -Rounds rotates the secret that many times in a row. With -GoFile it first reads the
    vault (so a vault that caches per process holds a copy from now), creates "<GoFile>.<PID>.ready",
    and starts only once -GoFile exists. The vault registry (HOME), base URI and module path come from
    the environment. -LockTimeout is passed on when given. With -ResultFile, each result (state, fingerprints, possible orphans) is appended
    there as a JSON line. Several -SecretName (comma-separated: pwsh -File passes text) are piped into one command, with -ThrottleLimit. Exits 1 when a rotation failed.
#>
param([Parameter(Mandatory)] [string] $Vault, [Parameter(Mandatory)] [string[]] $SecretName, [string] $Stage = 'All', [int] $Rounds = 1, [string] $GoFile, [string] $ResultFile, [string] $LockTimeout, [int] $ThrottleLimit = 1)
$ErrorActionPreference = 'Stop'
$SecretName = @($SecretName | ForEach-Object { $_ -split ',' })
Import-Module $env:PPLX_TEST_MODULE
if ($GoFile) {
    $null = Test-PplxToken -Vault $Vault -SecretName $SecretName[0]
    Set-Content "$GoFile.$PID.ready" 'ready'
    while (-not (Test-Path $GoFile)) { Start-Sleep -Milliseconds 20 }   # another process's signal: nothing here to await
}
$more = if ($LockTimeout) { @{ LockTimeout = [timespan] $LockTimeout } } else { @{} }
for ($i = 0; $i -lt $Rounds; $i++) {
    $results = if ($SecretName.Count -gt 1) {
        $SecretName | ForEach-Object { [pscustomobject]@{ Name = $_ } } | Invoke-PplxRotation -Vault $Vault -Stage $Stage -Force -ThrottleLimit $ThrottleLimit -ErrorVariable failed -ErrorAction SilentlyContinue @more
    }
    else {
        Invoke-PplxRotation -Vault $Vault -SecretName $SecretName[0] -Stage $Stage -Force -ErrorVariable failed -ErrorAction SilentlyContinue @more
    }
    foreach ($result in @($results)) {
        if (-not $ResultFile) { break }
        # Steps as name=outcome (fingerprints, never keys): what a chaos report shows of a run that left a key behind.
        $line = @{ state = "$($result.State)"; newFingerprint = $result.NewFingerprint; orphans = @($result.PossibleOrphans); steps = @($result.Steps | ForEach-Object { "$($_.Name)=$($_.Outcome)" }); errors = @($failed | ForEach-Object FullyQualifiedErrorId) } | ConvertTo-Json -Compress
        [System.IO.File]::AppendAllText($ResultFile, $line + [Environment]::NewLine)
    }
    if ($failed) { exit 1 }
}
