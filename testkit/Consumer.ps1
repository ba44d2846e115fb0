<#
.SYNOPSIS
    A service that uses whatever key the vault holds: it calls the Agent API (POST /v1/agent) in a loop, re-reads
    the key on 401 (and every -RereadMs), and counts requests that failed even after a re-read.
    Stops when -StopFile exists and writes {requests, failed, rereads} to -ResultFile.
#>
param(
    [Parameter(Mandatory)] [string] $Vault, [Parameter(Mandatory)] [string] $SecretName,
    [Parameter(Mandatory)] [string] $StopFile, [Parameter(Mandatory)] [string] $ResultFile,
    [int] $RereadMs = 200
)
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.SecretManagement
$body = '{"model":"perplexity/sonar","input":"hi","max_output_tokens":16}'
$uri = $env:PERPLEXITY_BASE_URL + 'v1/agent'
$requests = 0; $failed = 0; $rereads = 0; $readErrors = 0
function Read-Key([string] $Current) {
    # A service keeps the key it has when the vault cannot be read for a moment.
    try { [System.Net.NetworkCredential]::new('', (Get-Secret -Vault $Vault -Name $SecretName)).Password }
    catch { $script:readErrors++; $Current }
}
function Send([string] $key) {
    try { $null = Invoke-RestMethod -Method Post -Uri $uri -Body $body -ContentType 'application/json' -Headers @{ Authorization = "Bearer $key" }; 200 }
    catch { [int]$_.Exception.Response.StatusCode }
}
$key = Read-Key $null
$readAt = [DateTime]::UtcNow
Set-Content "$ResultFile.started" 'started'
while (-not (Test-Path $StopFile)) {
    if (([DateTime]::UtcNow - $readAt).TotalMilliseconds -ge $RereadMs) { $key = Read-Key $key; $readAt = [DateTime]::UtcNow; $rereads++ }
    $requests++
    $status = Send $key
    if ($status -eq 401) {
        $key = Read-Key $key; $readAt = [DateTime]::UtcNow; $rereads++
        $status = Send $key
    }
    if ($status -ne 200) { $failed++ }
}
@{ requests = $requests; failed = $failed; rereads = $rereads; readErrors = $readErrors } | ConvertTo-Json | Set-Content $ResultFile
