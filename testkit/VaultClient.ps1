<#
.SYNOPSIS
    A SecretManagement caller of one vault in its own process, driven one command per stdin line,
    so a test can interleave the vault calls of two processes exactly (Start-PplxVaultClient).
.DESCRIPTION
    Commands are JSON: {"op":"get","name":"a"}, {"op":"set","name":"a","value":"v","metadata":{...}},
    {"op":"remove","name":"a"}, {"op":"info","name":"a*"}, {"op":"setinfo","name":"a","metadata":{...}},
    {"op":"unlock","password":"p"}, {"op":"ping"}. Each answer is one stdout line
    "PPLX-VAULT-CLIENT <json>" with ok, value, infos, error (the ErrorId part of the FQID), exceptions
    (the exception's type chain) and messages. A value that looks like a key is answered as its
    fingerprint only. It ends when stdin closes.
#>
param([Parameter(Mandatory)] [string] $Vault)
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.SecretManagement

function Hide-Key($Value) {
    if ($Value -is [string] -and $Value.StartsWith('pplx-')) { return 'pplx-…' + $Value.Substring($Value.Length - 4) }
    $Value
}

function ConvertTo-Metadata([hashtable] $Json) {
    # JSON numbers arrive as Int64; a caller's metadata holds Int32.
    $md = @{}
    foreach ($k in $Json.Keys) { $v = $Json[$k]; if ($v -is [long]) { $v = [int]$v }; $md[$k] = $v }
    $md
}

function Invoke-ClientCommand([hashtable] $Command) {
    $answer = @{ ok = $true }
    try {
        switch ($Command.op) {
            'ping' { }
            'get' { $answer.value = Hide-Key (Get-Secret -Vault $Vault -Name $Command.name -AsPlainText) }
            'set' {
                $p = @{ Vault = $Vault; Name = $Command.name; Secret = [string]$Command.value }
                if ($Command.metadata) { $p.Metadata = ConvertTo-Metadata $Command.metadata }
                Set-Secret @p
            }
            'remove' { Remove-Secret -Vault $Vault -Name $Command.name -Confirm:$false }
            'setinfo' { Set-SecretInfo -Vault $Vault -Name $Command.name -Metadata (ConvertTo-Metadata $Command.metadata) }
            'info' {
                $answer.infos = @(Get-SecretInfo -Vault $Vault -Name $Command.name | ForEach-Object {
                        $types = @{}
                        if ($_.Metadata) { foreach ($k in $_.Metadata.Keys) { $types[$k] = $_.Metadata[$k].GetType().FullName } }
                        @{ name = $_.Name; type = [string]$_.Type; metadataTypes = $types }
                    })
            }
            'unlock' { Unlock-SecretVault -Name $Vault -Password (ConvertTo-SecureString -String $Command.password -AsPlainText -Force) }
            default { throw "Unknown command '$($Command.op)'." }
        }
    }
    catch {
        $answer.ok = $false
        $answer.error = ($_.FullyQualifiedErrorId -split ',')[0]
        $answer.exceptions = @(); $answer.messages = @()
        for ($e = $_.Exception; $e; $e = $e.InnerException) { $answer.exceptions += $e.GetType().FullName; $answer.messages += $e.Message }
    }
    $answer
}

while ($null -ne ($line = [Console]::In.ReadLine())) {
    $answer = Invoke-ClientCommand ($line | ConvertFrom-Json -AsHashtable)
    [Console]::Out.WriteLine('PPLX-VAULT-CLIENT ' + ($answer | ConvertTo-Json -Compress -Depth 6))
}
