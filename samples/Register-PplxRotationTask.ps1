<#
.SYNOPSIS
    Registers the daily key rotation as a Windows scheduled task (Windows PowerShell 5.1 or PowerShell 7, as an
    administrator). Read it, then adapt the names.
.DESCRIPTION
    The task runs Invoke-PplxScheduledRotation.ps1 under a service account (a group managed service account needs no
    password; a normal account's password is given once, here), non-interactively, whether or not anyone is logged on.
    Its exit code is the script's: 0 done or not due, 1 some failed, 2 nothing could run; Task Scheduler shows it as
    the task's "Last Run Result" (0x1, 0x2), which monitoring can alert on.

    Set-up, once, as the service account (the vault registry and the password file are per account):
      1. Register the vault: Register-SecretVault -Name Prod -ModuleName Microsoft.PowerShell.SecretStore
         and Set-SecretStoreConfiguration -Authentication Password -Interaction None (never prompt).
      2. Save the vault's password for that account only (DPAPI):
         Read-Host -AsSecureString 'Vault password' | Export-Clixml C:\PplxRotation\vault.xml
.PARAMETER Account
    The account the task runs as, e.g. 'CONTOSO\svc-pplx$' (a gMSA, with the trailing $) or 'CONTOSO\svc-pplx'.
.PARAMETER Engine
    powershell.exe (Windows PowerShell 5.1, on every Windows) or pwsh.exe (PowerShell 7).
#>
[CmdletBinding(SupportsShouldProcess)]
param(
    [Parameter(Mandatory)] [string] $Account,
    [string] $Vault = 'Prod',
    [string] $Folder = 'C:\PplxRotation',
    [ValidateSet('powershell.exe', 'pwsh.exe')] [string] $Engine = 'powershell.exe',
    [string] $At = '03:00'
)

$ErrorActionPreference = 'Stop'
$script = Join-Path $Folder 'Invoke-PplxScheduledRotation.ps1'
$arguments = @(
    '-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass',
    '-File', ('"{0}"' -f $script),
    '-Vault', $Vault,
    '-VaultPasswordFile', ('"{0}"' -f (Join-Path $Folder 'vault.xml')),
    '-AuditLog', ('"{0}"' -f (Join-Path $Folder 'rotation.jsonl'))
) -join ' '

$action = New-ScheduledTaskAction -Execute $Engine -Argument $arguments -WorkingDirectory $Folder
$trigger = New-ScheduledTaskTrigger -Daily -At $At
$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit (New-TimeSpan -Hours 2) -MultipleInstances IgnoreNew -StartWhenAvailable
if ($Account.EndsWith('$')) {
    # A group managed service account: no password to keep.
    $principal = New-ScheduledTaskPrincipal -UserId $Account -LogonType Password -RunLevel Limited
    if ($PSCmdlet.ShouldProcess($Account, 'Register the task PerplexityKeys rotation')) {
        Register-ScheduledTask -TaskName 'PerplexityKeys rotation' -Action $action -Trigger $trigger -Settings $settings -Principal $principal
    }
}
else {
    $credential = Get-Credential -UserName $Account -Message 'The password of the account the task runs as'
    if ($PSCmdlet.ShouldProcess($Account, 'Register the task PerplexityKeys rotation')) {
        Register-ScheduledTask -TaskName 'PerplexityKeys rotation' -Action $action -Trigger $trigger -Settings $settings `
            -User $credential.UserName -Password $credential.GetNetworkCredential().Password -RunLevel Limited
    }
}
