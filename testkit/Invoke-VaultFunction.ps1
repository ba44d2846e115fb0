<#
.SYNOPSIS
    Calls one function of a registered extension vault the way SecretManagement does (a nested
    PowerShell in a private runspace) and prints how that invocation ended, as one stdout line
    "PPLX-VAULT-CALL <json>": state, reason (type), hadErrors, errors (count), exceptions (the type
    chain of what Invoke threw, if anything). Only the vault's own behaviour is seen, not the
    SecretManagement module's handling of it: a test of the vault's prompt path starts this with and
    without -NonInteractive, stdin closed.
#>
param([Parameter(Mandatory)] [string] $Vault, [Parameter(Mandatory)] [string] $Function, [string] $Name)
$ErrorActionPreference = 'Stop'
Import-Module Microsoft.PowerShell.SecretManagement   # the types a vault throws
$info = Get-SecretVault -Name $Vault
$additional = @{ Verbose = $false }
foreach ($k in $info.VaultParameters.Keys) { $additional[$k] = $info.VaultParameters[$k] }

# With this process's host, as SecretManagement opens its vault runspace with its first caller's.
$runspace = [runspacefactory]::CreateRunspace($Host, [initialsessionstate]::CreateDefault2())
$runspace.Open()
$ps = [powershell]::Create()
$ps.Runspace = $runspace
$extension = "$($info.ModuleName).Extension"
$null = $ps.AddCommand('Import-Module').AddParameter('Name', (Join-Path $info.ModulePath $extension)).Invoke()
$ps.Commands.Clear()
$null = $ps.AddCommand("$extension\$Function").AddParameter('VaultName', $Vault).AddParameter('AdditionalParameters', $additional)
if ($Name) { $null = $ps.AddParameter('Name', $Name) }
$result = @{ exceptions = @() }
try { $null = $ps.Invoke() }
catch { for ($e = $_.Exception; $e; $e = $e.InnerException) { $result.exceptions += $e.GetType().FullName } }
$result.state = [string]$ps.InvocationStateInfo.State
$result.reason = if ($ps.InvocationStateInfo.Reason) { $ps.InvocationStateInfo.Reason.GetType().FullName } else { '' }
$result.hadErrors = $ps.HadErrors
$result.errors = $ps.Streams.Error.Count
[Console]::Out.WriteLine('PPLX-VAULT-CALL ' + ($result | ConvertTo-Json -Compress))
