<#
.SYNOPSIS
    Runs scripts (-ScriptsJson, a JSON array of script texts), one after another, in one runspace whose host has somebody at the keyboard (AnsweringHost.cs: it
    answers every password prompt with -Answer and counts the prompts). Writes one JSON line per script: the prompts it
    caused, the ErrorIds of its errors, its warnings, the text it wrote to the host (Shown) and its output as strings. Start it in a pwsh of its own (not
    -NonInteractive), since SecretManagement keeps the host of the first command that used it in the process.
#>
param([Parameter(Mandatory)] [string] $Answer, [Parameter(Mandatory)] [string] $ScriptsJson)
$ErrorActionPreference = 'Stop'
Add-Type -Path (Join-Path $PSScriptRoot 'AnsweringHost.cs')
$terminal = [AnsweringHost]::new($Answer)
$runspace = [runspacefactory]::CreateRunspace($terminal)
$runspace.Open()
try {
    foreach ($text in @($ScriptsJson | ConvertFrom-Json)) {
        $before = $terminal.Prompts
        $terminal.Warnings.Clear()
        $terminal.Shown.Clear()
        $ps = [powershell]::Create()
        $ps.Runspace = $runspace
        $null = $ps.AddScript($text)
        $output = try { @($ps.Invoke() | ForEach-Object { [string]$_ }) } catch { @("threw: $($_.Exception.Message)") }
        [pscustomobject]@{
            Prompts  = $terminal.Prompts - $before
            Errors   = @($ps.Streams.Error | ForEach-Object { ($_.FullyQualifiedErrorId -split ',')[0] })
            Warnings = @($terminal.Warnings) + @($ps.Streams.Warning | ForEach-Object Message)
            Shown    = @($terminal.Shown)
            Output   = $output
        } | ConvertTo-Json -Compress -Depth 3
        $ps.Dispose()
    }
} finally { $runspace.Dispose() }
