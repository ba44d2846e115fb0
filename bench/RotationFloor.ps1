<#
.SYNOPSIS
    Dot-sourced by Bench.ps1: rotating -Secrets secrets of one file vault at -ThrottleLimit -Limit, against the floor of
    that work: its HTTP calls at -LatencyMs each, -Limit at a time, plus its vault operations, which must be made one at
    a time, each at what the same call costs through SecretManagement (the double) on the same vault, timed in the run.
      floor = HTTP calls x latency / limit + sum over vault functions of (calls x median cost of one call)
    HTTP calls are counted by the emulator's request log, vault calls by the double (VaultFunctionCalls), both over the
    measured batch. The batch is the vault's second rotation: the first (a warm-up) leaves every secret's helpers in
    place, so the measured batch and the timed calls see the vault at one size.
#>

function Measure-RotationFloor {
    param([Parameter(Mandatory)] $Emulator, [int] $Secrets = 200, [int] $Limit = 8, [int] $LatencyMs = 20, [int] $CostCalls = 40)

    Reset-PplxEmulator $Emulator
    $null = Use-PplxTestRegistry
    $null = New-PplxTestVault -Kind File -Name Fleet
    $names = 1..$Secrets | ForEach-Object { 'pplx-fleet-{0:d3}' -f $_ }
    $names | ForEach-Object { $null = New-PplxToken -ApiKey $Emulator.AdminKey -TokenName "fleet $_" -Vault Fleet -SecretName $_ }
    $env:PERPLEXITY_API_KEY = $null   # each key mints its successor, which revokes it
    $null = Invoke-PplxEmulator $Emulator POST config @{ latencyMs = $LatencyMs }
    $batch = { $names | ForEach-Object { [pscustomobject]@{ Name = $_ } } | Invoke-PplxRotation -Vault Fleet -ThrottleLimit $Limit -Force }
    $warm = @(& $batch)
    if (@($warm | Where-Object State -EQ 'Done').Count -ne $Secrets) { throw 'A warm-up rotation did not end Done.' }

    $calls = [Microsoft.PowerShell.SecretManagement.VaultFunctionCalls]
    $requestsBefore = @(Invoke-PplxEmulator $Emulator GET requests).Count
    $calls::Reset()
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $results = @(& $batch)
    $sw.Stop()
    $vaultCalls = $calls::Counts()
    $http = @(Invoke-PplxEmulator $Emulator GET requests).Count - $requestsBefore
    if (@($results | Where-Object State -EQ 'Done').Count -ne $Secrets) { throw 'A measured rotation did not end Done.' }
    $null = Invoke-PplxEmulator $Emulator POST config @{ latencyMs = 0 }

    # What one call of each vault function costs on this vault, through SecretManagement, from this session.
    $cost = @{}
    $scratch = 'bench-cost'
    $value = ConvertTo-SecureString ('pplx-' + ('c' * 48)) -AsPlainText -Force
    $metadata = @{ PplxFingerprint = 'pplx-…cccc' }
    Set-Secret -Vault Fleet -Name $scratch -Secret $value -Metadata $metadata
    $timed = @{
        'Get-Secret'     = { $null = Get-Secret -Vault Fleet -Name $scratch }
        'Set-Secret'     = { Set-Secret -Vault Fleet -Name $scratch -Secret $value -Metadata $metadata }
        'Get-SecretInfo' = { $null = Get-SecretInfo -Vault Fleet -Name $scratch }
        'Set-SecretInfo' = { Set-SecretInfo -Vault Fleet -Name $scratch -Metadata $metadata }
    }
    foreach ($function in $vaultCalls.Keys) {
        if (-not $timed.ContainsKey($function)) { throw "The bench does not time the vault function $function, which the rotations called." }
        # Each call timed on its own (after one to warm up), and charged its median: a floor must not be raised by a few
        # slow calls (timed alone on a file vault of 600 secrets: Get-Secret median 7.0 ms, mean 8.6, slowest 52.7), which
        # lifted the mean above what the rotations' own calls cost (ratio 0.89 in the run of afcbd30).
        & $timed[$function]
        [double[]] $each = foreach ($i in 1..$CostCalls) { $one = [Diagnostics.Stopwatch]::StartNew(); $null = & $timed[$function]; $one.Elapsed.TotalMilliseconds }
        $cost[$function] = ($each | Sort-Object)[[int][math]::Floor($CostCalls / 2)]
    }

    $vaultFloor = 0.0
    foreach ($function in $vaultCalls.Keys) { $vaultFloor += $vaultCalls[$function] * $cost[$function] }
    $httpFloor = $http * $LatencyMs / $Limit
    $opsPerRotation = ($vaultCalls.Values | Measure-Object -Sum).Sum / $Secrets
    [pscustomobject]@{
        Ms                  = $sw.Elapsed.TotalMilliseconds
        FloorMs             = $httpFloor + $vaultFloor
        HttpPerRotation     = $http / $Secrets
        VaultOpsPerRotation = $opsPerRotation
        VaultOpMs           = $vaultFloor / [math]::Max(1, ($vaultCalls.Values | Measure-Object -Sum).Sum)
        Calls               = $vaultCalls
        Cost                = $cost
    }
}
