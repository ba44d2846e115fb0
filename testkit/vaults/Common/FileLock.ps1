# A cross-process lock on one store file (dot-sourced; tests only). It holds "<Path>.lock" open with
# FileShare.None, which .NET takes as an advisory lock that the system drops when the process dies,
# so a killed test process never leaves a store locked for good.

function Use-VaultFileLock([string] $Path, [scriptblock] $Action, [int] $TimeoutSeconds = 30) {
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSeconds)
    $lock = $null
    while (-not $lock) {
        try { $lock = [System.IO.File]::Open("$Path.lock", 'OpenOrCreate', 'ReadWrite', 'None') }
        catch {
            if ([DateTime]::UtcNow -gt $deadline) { throw [System.TimeoutException]::new("The store $Path stayed locked for $TimeoutSeconds s.", $_.Exception) }
            [System.Threading.Thread]::Sleep(10)
        }
    }
    try { & $Action }
    finally { $lock.Dispose() }
}
