<#
.SYNOPSIS
    Rotates the Perplexity keys of one vault that are due, for a scheduled task or a systemd timer: no prompt, an audit
    trail, and an exit code that tells the truth.
.DESCRIPTION
    Rotates each secret of -Vault matching -SecretName whose key is older than -MaxAge (a secret whose age is unknown is
    rotated too), with Invoke-PplxRotation: zero downtime, resumable, audited to -AuditLog. A locked vault is unlocked
    with the password in -VaultPasswordFile; nothing ever prompts (run it with -NonInteractive).

    Exit codes (the contract a scheduler or a monitoring check reads):
      0  every secret was rotated, or was not due.
      1  some secrets failed (the others were rotated); each failure is in the error output and the audit log.
      2  nothing could run: the module or SecretManagement could not be loaded, the vault is not registered, its
         password file is missing or wrong, or the arguments are invalid. No key was changed.
.PARAMETER Vault
    The SecretManagement vault that holds the keys.
.PARAMETER SecretName
    The secrets to rotate (wildcards allowed). Default: pplx-*.
.PARAMETER MaxAge
    Rotate only keys older than this. Default: 30 days (rotate production keys every 14-30 days).
.PARAMETER VaultPasswordFile
    A file holding the vault's password, readable only by the account the task runs as: on Windows a SecureString or
    PSCredential saved with Export-Clixml by that account (DPAPI: only it can read it back); elsewhere (.txt) the
    password as text in a file of mode 600. Leave it out for a vault that needs no password.
.PARAMETER AuditLog
    The JSON-lines audit log every mint, store and revocation is appended to.
.PARAMETER ModulePath
    Where PerplexityKeys is, when it is not on PSModulePath.
.EXAMPLE
    pwsh -NoProfile -NonInteractive -File Invoke-PplxScheduledRotation.ps1 -Vault Prod -VaultPasswordFile C:\Secure\vault.xml -AuditLog C:\Logs\pplx.jsonl
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Vault,
    [string[]] $SecretName = @('pplx-*'),
    [timespan] $MaxAge = [timespan]::FromDays(30),
    [string] $VaultPasswordFile,
    [Parameter(Mandatory)] [string] $AuditLog,
    [string] $ModulePath = 'PerplexityKeys'
)

$ErrorActionPreference = 'Stop'
$NothingRan = 2
$SomeFailed = 1

# Everything up to the first rotation: a failure here changed nothing.
try {
    Import-Module Microsoft.PowerShell.SecretManagement
    Import-Module $ModulePath
    if (-not (Microsoft.PowerShell.SecretManagement\Get-SecretVault -Name $Vault -ErrorAction SilentlyContinue)) {
        throw "The vault '$Vault' is not registered for this account ($([Environment]::UserName)): register it as this account (Register-SecretVault)."
    }
    $password = $null
    if ($VaultPasswordFile) {
        if (-not (Test-Path -LiteralPath $VaultPasswordFile)) { throw "The vault password file '$VaultPasswordFile' does not exist." }
        $password = if ($VaultPasswordFile -like '*.xml') { Import-Clixml -LiteralPath $VaultPasswordFile }
                    else { ConvertTo-SecureString -String (Get-Content -LiteralPath $VaultPasswordFile -TotalCount 1) -AsPlainText -Force }
        Microsoft.PowerShell.SecretManagement\Unlock-SecretVault -Name $Vault -Password $(if ($password -is [pscredential]) { $password.Password } else { $password })
    }
    $secrets = @(foreach ($pattern in $SecretName) {
        Microsoft.PowerShell.SecretManagement\Get-SecretInfo -Vault $Vault -Name $pattern |
            Where-Object { $_.Name -notmatch '-pplx-(pending|previous|journal)$' }
    })
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    exit $NothingRan
}

if ($secrets.Count -eq 0) {
    Write-Warning "No secret of vault '$Vault' matches $($SecretName -join ', '); nothing to rotate."
    exit 0
}

# Every secret is attempted; the failures are reported together at the end (ItemsFailed).
$more = @{}
if ($password) { $more.VaultPassword = $password }
try {
    $secrets | Invoke-PplxRotation -MaxAge $MaxAge -AuditLog $AuditLog -Force @more | ForEach-Object {
        '{0}: {1}{2}' -f $_.SecretName, $_.State, $(if ($_.NotDue) { ' (not due)' } else { '' })
    }
    exit 0
}
catch {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    exit $SomeFailed
}
