# A faithful double of SecretManagement 1.1.2's public cmdlets, per shared/secretmanagement.md.
# Vault functions run in one private runspace per process, as the real module does; the vault
# registry is a JSON file ($env:PPLX_SM_REGISTRY, else ~/.secretmanagement-double/vaultinfo.json).
# Tests only: never shipped.

using namespace Microsoft.PowerShell.SecretManagement
using namespace System.Management.Automation

$script:Runspace = $null
$script:LoadedExtensions = @{}
$script:AllowedTypes = @([byte[]], [string], [securestring], [pscredential], [hashtable])

function Get-RegistryPath {
    if ($env:PPLX_SM_REGISTRY) { return $env:PPLX_SM_REGISTRY }
    Join-Path $HOME '.secretmanagement-double/vaultinfo.json'
}

function Read-Registry {
    $path = Get-RegistryPath
    if (-not (Test-Path $path)) { return [pscustomobject]@{ DefaultVaultName = ''; Vaults = [ordered]@{} } }
    $raw = Get-Content -Raw $path | ConvertFrom-Json -AsHashtable
    $vaults = [ordered]@{}
    foreach ($name in $raw.VaultOrder) { $vaults[$name] = $raw.Vaults[$name] }
    [pscustomobject]@{ DefaultVaultName = [string]$raw.DefaultVaultName; Vaults = $vaults }
}

function Write-Registry($Registry) {
    $path = Get-RegistryPath
    $null = New-Item -ItemType Directory -Force (Split-Path $path)
    $data = @{ DefaultVaultName = $Registry.DefaultVaultName; Vaults = $Registry.Vaults; VaultOrder = @($Registry.Vaults.Keys) }
    $tmp = "$path.$PID.tmp"
    $data | ConvertTo-Json -Depth 6 | Set-Content -Path $tmp
    [System.IO.File]::Move($tmp, $path, $true)   # a rename: readers never see the file missing
}

function New-Error([string] $Id, [ErrorCategory] $Category, [Exception] $Exception, $Target) {
    [ErrorRecord]::new($Exception, $Id, $Category, $Target)
}

function Get-VaultEntry([string] $Name, $Cmdlet) {
    $registry = Read-Registry
    $key = @($registry.Vaults.Keys) | Where-Object { $_ -eq $Name } | Select-Object -First 1
    if (-not $key) {
        $Cmdlet.ThrowTerminatingError((New-Error 'GetSecretVaultNotFound' ObjectNotFound ([PSInvalidOperationException]::new("Vault not found in registry: $Name")) $Name))
    }
    $registry.Vaults[$key] + @{ Name = $key }
}

function Get-OrderedVaults {
    # The default vault first, then the others in registry order.
    $registry = Read-Registry
    $names = @($registry.Vaults.Keys)
    if ($registry.DefaultVaultName) { $names = @($registry.DefaultVaultName) + @($names | Where-Object { $_ -ne $registry.DefaultVaultName }) }
    foreach ($n in $names) { $registry.Vaults[$n] + @{ Name = $n } }
}

function Invoke-VaultFunction($Vault, [string] $Function, [hashtable] $Parameters) {
    # Runs an extension vault's function in the private runspace. Returns @{ Output; Errors }.
    if (-not $script:Runspace) {
        $script:Runspace = [runspacefactory]::CreateRunspace([initialsessionstate]::CreateDefault2())
        $script:Runspace.Open()
    }
    $extName = "$($Vault.ModuleName).Extension"
    $extPath = Join-Path $Vault.ModulePath $extName
    $ps = [powershell]::Create()
    $ps.Runspace = $script:Runspace
    try {
        if (-not $script:LoadedExtensions.ContainsKey($extPath)) {
            $null = $ps.AddCommand('Import-Module').AddParameter('Name', $extPath).AddParameter('Force').Invoke()
            $ps.Commands.Clear()
            $script:LoadedExtensions[$extPath] = $true
        }
        $additional = @{} + $Vault.VaultParameters
        $additional['Verbose'] = $false
        $null = $ps.AddCommand("$extName\$Function")
        foreach ($p in $Parameters.GetEnumerator()) { $null = $ps.AddParameter($p.Key, $p.Value) }
        $null = $ps.AddParameter('VaultName', $Vault.Name).AddParameter('AdditionalParameters', $additional)
        $output = $ps.Invoke()
        [pscustomobject]@{ Output = $output; Errors = @($ps.Streams.Error); Exception = $null }
    }
    catch {
        $inner = $_.Exception
        while ($inner -is [MethodInvocationException] -or ($inner.InnerException -and $inner -isnot [PasswordRequiredException] -and $inner.InnerException -is [PasswordRequiredException])) { $inner = $inner.InnerException }
        if ($inner -is [RuntimeException] -and $inner.ErrorRecord.Exception -is [PasswordRequiredException]) { $inner = $inner.ErrorRecord.Exception }
        [pscustomobject]@{ Output = @(); Errors = @(); Exception = $inner }
    }
    finally { $ps.Dispose() }
}

function Test-VaultSupportsMetadata($Vault) {
    $ext = Join-Path $Vault.ModulePath "$($Vault.ModuleName).Extension"
    $psm = Get-ChildItem $ext -Filter '*.psm1' | Select-Object -First 1
    $text = Get-Content -Raw $psm.FullName
    [pscustomobject]@{
        SetSecret     = $text -match 'function\s+Set-Secret\s*\{[\s\S]*?\$Metadata'
        SetSecretInfo = $text -match 'function\s+Set-SecretInfo\b'
    }
}

function Test-SecretType($Value) {
    foreach ($t in $script:AllowedTypes) { if ($Value -is $t) { return $true } }
    $false
}

function ConvertTo-Output($Value, [bool] $AsPlainText) {
    if ($Value -is [string]) { if ($AsPlainText) { return $Value } else { return ConvertTo-SecureString -String $Value -AsPlainText -Force } }
    if ($Value -is [securestring]) { if ($AsPlainText) { return [System.Net.NetworkCredential]::new('', $Value).Password } else { return $Value } }
    if ($Value -is [hashtable]) {
        $copy = @{}
        foreach ($e in $Value.GetEnumerator()) {
            $v = $e.Value
            if ($v -is [string] -and -not $AsPlainText) { $v = ConvertTo-SecureString -String $v -AsPlainText -Force }
            elseif ($v -is [securestring] -and $AsPlainText) { $v = [System.Net.NetworkCredential]::new('', $v).Password }
            $copy[$e.Key] = $v
        }
        return $copy
    }
    , $Value   # one object, even for a byte[]
}

function Get-Secret {
    [CmdletBinding(DefaultParameterSetName = 'NameParameterSet')]
    param(
        [Parameter(ParameterSetName = 'NameParameterSet', Position = 0, Mandatory)] [ValidateNotNullOrEmpty()] [string] $Name,
        [Parameter(ParameterSetName = 'NameParameterSet', Position = 1)] [string] $Vault,
        [Parameter(ParameterSetName = 'InfoParameterSet', Mandatory, ValueFromPipeline)] [SecretInformation] $InputObject,
        [switch] $AsPlainText
    )
    process {
        if ($InputObject) { $Name = $InputObject.Name; $Vault = $InputObject.VaultName }
        $vaults = if ($Vault) { @(Get-VaultEntry $Vault $PSCmdlet) } else { @(Get-OrderedVaults) }
        if ($vaults.Count -eq 0) {
            Write-Warning 'There are currently no extension vaults registered. At least one vault must be registered before SecretManagement can add or retrieve secrets.'
        }
        foreach ($v in $vaults) {
            $r = Invoke-VaultFunction $v 'Get-Secret' @{ Name = $Name }
            if ($r.Exception -is [PasswordRequiredException]) {
                if ($Vault) { $PSCmdlet.WriteError((New-Error 'GetSecretException' InvalidOperation $r.Exception $Name)); return }
                $PSCmdlet.ThrowTerminatingError((New-Error 'Microsoft.PowerShell.SecretManagement.PasswordRequiredException' InvalidOperation $r.Exception $Name))
            }
            if ($r.Exception) { $PSCmdlet.WriteError((New-Error 'GetSecretInvalidOperation' InvalidOperation ([PSInvalidOperationException]::new("Get-Secret error in vault $($v.Name) : $($r.Exception.Message)", $r.Exception)) $Name)); continue }
            foreach ($e in $r.Errors) { $PSCmdlet.WriteError($e) }
            $value = $r.Output | Select-Object -First 1
            if ($null -ne $value) { $value = $value.psobject.BaseObject }
            if ($null -eq $value) { continue }
            if (-not (Test-SecretType $value)) {
                $PSCmdlet.WriteError((New-Error 'GetSecretInvalidOperation' InvalidOperation ([PSInvalidOperationException]::new("Secret object returned for '$Name' from vault '$($v.Name)' is of invalid type '$($value.GetType().FullName)'")) $Name))
                break
            }
            $converted = ConvertTo-Output $value $AsPlainText.IsPresent
            , $converted
            return
        }
        $PSCmdlet.WriteError((New-Error 'GetSecretNotFound' ObjectNotFound ([ItemNotFoundException]::new("The secret $Name was not found.")) $Name))
    }
}

function Set-Secret {
    [CmdletBinding(DefaultParameterSetName = 'SecureStringParameterSet', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'SecureStringParameterSet', Position = 0, Mandatory)]
        [Parameter(ParameterSetName = 'ObjectParameterSet', Position = 0, Mandatory)] [ValidateNotNullOrEmpty()] [string] $Name,
        [Parameter(ParameterSetName = 'SecureStringParameterSet', Position = 1, Mandatory, ValueFromPipeline)] [securestring] $SecureStringSecret,
        [Parameter(ParameterSetName = 'ObjectParameterSet', Position = 1, Mandatory, ValueFromPipeline)] [object] $Secret,
        [Parameter(ParameterSetName = 'SecretInfoParameterSet', Mandatory, ValueFromPipeline)] [SecretInformation] $SecretInfo,
        [Parameter(ParameterSetName = 'SecureStringParameterSet', Position = 2)]
        [Parameter(ParameterSetName = 'ObjectParameterSet', Position = 2)]
        [Parameter(ParameterSetName = 'SecretInfoParameterSet', Mandatory)] [string] $Vault,
        [Parameter(ParameterSetName = 'SecureStringParameterSet', Position = 3)]
        [Parameter(ParameterSetName = 'ObjectParameterSet', Position = 3)] [hashtable] $Metadata,
        [switch] $NoClobber
    )
    process {
        # Assign in the branches: an if-expression would enumerate a byte[].
        if ($PSCmdlet.ParameterSetName -eq 'SecureStringParameterSet') { $value = $SecureStringSecret }
        elseif ($SecretInfo) { $value = Get-Secret -Name $SecretInfo.Name -Vault $SecretInfo.VaultName }
        else { $value = $Secret }
        if ($SecretInfo) { $Name = $SecretInfo.Name }
        if ($null -ne $value) { $value = $value.psobject.BaseObject }
        if (-not $Vault) {
            $registry = Read-Registry
            if (-not $registry.DefaultVaultName) {
                $PSCmdlet.ThrowTerminatingError((New-Error 'SetSecretCommandFailNoVault' InvalidOperation ([PSInvalidOperationException]::new('Unable to set secret because no vault was provided and there is no default vault designated.')) $Name))
            }
            $Vault = $registry.DefaultVaultName
        }
        $v = Get-VaultEntry $Vault $PSCmdlet
        if (-not (Test-SecretType $value)) {
            $PSCmdlet.WriteError((New-Error 'InvalidOperationException' InvalidOperation ([InvalidOperationException]::new('Invalid type. Types supported: byte[], string, SecureString, PSCredential, Hashtable')) $Name))
            return
        }
        if ($NoClobber) {
            $existing = Invoke-VaultFunction $v 'Get-Secret' @{ Name = $Name }
            if ($null -ne ($existing.Output | Select-Object -First 1)) {
                $record = New-Error 'SetSecretCommandAlreadyExistsWithNoClobber' ResourceExists ([PSInvalidOperationException]::new("A secret with name $Name already exists in vault $($v.Name).")) $Name
                if ($SecretInfo) { $PSCmdlet.WriteError($record); return }
                $PSCmdlet.ThrowTerminatingError($record)
            }
        }
        if (-not $PSCmdlet.ShouldProcess("$Name in $($v.Name)", 'Set secret')) { return }
        $support = Test-VaultSupportsMetadata $v
        $params = @{ Name = $Name; Secret = $value }
        if ($Metadata -and $support.SetSecret) { $params.Metadata = $Metadata }
        $r = Invoke-VaultFunction $v 'Set-Secret' $params
        if ($r.Exception -is [PasswordRequiredException]) {
            $PSCmdlet.ThrowTerminatingError((New-Error 'Microsoft.PowerShell.SecretManagement.PasswordRequiredException' InvalidOperation $r.Exception $Name))
        }
        if ($r.Exception) { $PSCmdlet.WriteError((New-Error 'SetSecretInvalidOperation' InvalidOperation ([PSInvalidOperationException]::new("Set-Secret error in vault $($v.Name) : $($r.Exception.Message)", $r.Exception)) $Name)); return }
        foreach ($e in $r.Errors) { $PSCmdlet.WriteError($e) }
        if ($r.Errors.Count -gt 0) { return }
        if ($Metadata -and -not $support.SetSecret) {
            if ($support.SetSecretInfo) {
                $null = Invoke-VaultFunction $v 'Set-SecretInfo' @{ Name = $Name; Metadata = $Metadata }
            }
            else {
                # The hazard SecretManagement 1.1.2 really has: the secret is written, then removed again.
                $null = Invoke-VaultFunction $v 'Remove-Secret' @{ Name = $Name }
                $PSCmdlet.WriteError((New-Error 'SetSecretMetadataCommandNotSupported' NotImplemented ([PSNotSupportedException]::new("Cannot add secret metadata '$Name' to vault '$($v.Name): The vault does not support the Set-SecretInfo function.")) $Name))
            }
        }
    }
}

function Remove-Secret {
    [CmdletBinding(DefaultParameterSetName = 'NameParameterSet', SupportsShouldProcess, ConfirmImpact = 'High')]
    param(
        [Parameter(ParameterSetName = 'NameParameterSet', Position = 0, Mandatory)] [ValidateNotNullOrEmpty()] [string] $Name,
        [Parameter(ParameterSetName = 'NameParameterSet', Position = 1, Mandatory)] [ValidateNotNullOrEmpty()] [string] $Vault,
        [Parameter(ParameterSetName = 'InfoParameterSet', Mandatory, ValueFromPipeline)] [SecretInformation] $InputObject
    )
    process {
        if ($InputObject) { $Name = $InputObject.Name; $Vault = $InputObject.VaultName }
        $v = Get-VaultEntry $Vault $PSCmdlet
        if (-not $PSCmdlet.ShouldProcess("$Name in $($v.Name)", 'Remove secret')) { return }
        $r = Invoke-VaultFunction $v 'Remove-Secret' @{ Name = $Name }
        if ($r.Exception -is [PasswordRequiredException]) {
            $PSCmdlet.ThrowTerminatingError((New-Error 'Microsoft.PowerShell.SecretManagement.PasswordRequiredException' InvalidOperation $r.Exception $Name))
        }
        if ($r.Exception) { $PSCmdlet.WriteError((New-Error 'RemoveSecretInvalidOperation' InvalidOperation ([PSInvalidOperationException]::new($r.Exception.Message, $r.Exception)) $Name)) }
        foreach ($e in $r.Errors) { $PSCmdlet.WriteError($e) }
    }
}

function Get-SecretInfo {
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string] $Name, [Parameter(Position = 1)] [string] $Vault)
    $filter = if ($Name) { $Name } else { '*' }
    $vaults = if ($Vault) { @(Get-VaultEntry $Vault $PSCmdlet) } else { @(Get-OrderedVaults) }
    foreach ($v in $vaults) {
        $r = Invoke-VaultFunction $v 'Get-SecretInfo' @{ Filter = $filter }
        if ($r.Exception) { $PSCmdlet.WriteError((New-Error 'GetSecretInfoException' InvalidOperation $r.Exception $Name)); continue }
        foreach ($e in $r.Errors) { $PSCmdlet.WriteError($e) }
        $r.Output | ForEach-Object { $_.psobject.BaseObject } | Sort-Object Name
    }
}

function Set-SecretInfo {
    [CmdletBinding(DefaultParameterSetName = 'NameParameterSet', SupportsShouldProcess)]
    param(
        [Parameter(ParameterSetName = 'NameParameterSet', Position = 0, Mandatory)] [ValidateNotNullOrEmpty()] [string] $Name,
        [Parameter(Position = 1, Mandatory)] [hashtable] $Metadata,
        [Parameter(ParameterSetName = 'NameParameterSet', Position = 2)] [string] $Vault,
        [Parameter(ParameterSetName = 'InfoParameterSet', Mandatory, ValueFromPipeline)] [SecretInformation] $InputObject
    )
    process {
        if ($InputObject) { $Name = $InputObject.Name; $Vault = $InputObject.VaultName }
        if (-not $Vault) {
            $registry = Read-Registry
            if (-not $registry.DefaultVaultName) {
                $PSCmdlet.ThrowTerminatingError((New-Error 'SetSecretInfoCommandFailNoVault' InvalidOperation ([PSInvalidOperationException]::new('Unable to set secret metadata because no vault was provided and there is no default vault designated.')) $Name))
            }
            $Vault = $registry.DefaultVaultName
        }
        $v = Get-VaultEntry $Vault $PSCmdlet
        if (-not (Test-VaultSupportsMetadata $v).SetSecretInfo) {
            $PSCmdlet.WriteError((New-Error 'SetSecretMetadataCommandNotSupported' NotImplemented ([PSNotSupportedException]::new("Cannot add secret metadata '$Name' to vault '$($v.Name): The vault does not support the Set-SecretInfo function.")) $Name))
            return
        }
        if (-not $PSCmdlet.ShouldProcess("$Name in $($v.Name)", 'Set secret metadata')) { return }
        $r = Invoke-VaultFunction $v 'Set-SecretInfo' @{ Name = $Name; Metadata = $Metadata }
        if ($r.Exception -is [PasswordRequiredException]) {
            $PSCmdlet.ThrowTerminatingError((New-Error 'Microsoft.PowerShell.SecretManagement.PasswordRequiredException' InvalidOperation $r.Exception $Name))
        }
        if ($r.Exception) { $PSCmdlet.WriteError((New-Error 'SetSecretInfoInvalidOperation' InvalidOperation ([PSInvalidOperationException]::new($r.Exception.Message, $r.Exception)) $Name)) }
        foreach ($e in $r.Errors) { $PSCmdlet.WriteError($e) }
    }
}

function Get-SecretVault {
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string[]] $Name = '*')
    $registry = Read-Registry
    foreach ($n in $Name) {
        $matched = @($registry.Vaults.Keys | Where-Object { $_ -like $n } | Sort-Object)
        if ($matched.Count -eq 0 -and -not [WildcardPattern]::ContainsWildcardCharacters($n)) {
            $PSCmdlet.WriteError((New-Error 'GetSecretVaultNotFound' ObjectNotFound ([ItemNotFoundException]::new("Vault $n does not exist in registry.")) $n))
        }
        foreach ($m in $matched) {
            $e = $registry.Vaults[$m]
            [SecretVaultInfo]::new($m, $e.ModuleName, $e.ModulePath, $e.Description, [hashtable]$e.VaultParameters, $m -eq $registry.DefaultVaultName)
        }
    }
}

function Register-SecretVault {
    [CmdletBinding(SupportsShouldProcess)]
    param(
        [Parameter(Position = 0, Mandatory)] [string] $ModuleName,
        [Parameter(Position = 1)] [string] $Name,
        [hashtable] $VaultParameters = @{},
        [switch] $DefaultVault, [switch] $AllowClobber, [switch] $PassThru, [string] $Description
    )
    $info = if (Test-Path $ModuleName) { Get-Module -ListAvailable -Name (Resolve-Path $ModuleName).Path | Select-Object -First 1 } else { Get-Module -ListAvailable -Name $ModuleName | Select-Object -First 1 }
    if (-not $info) {
        $PSCmdlet.ThrowTerminatingError((New-Error 'RegisterSecretVaultCantGetModuleInfo' InvalidOperation ([PSInvalidOperationException]::new("Could not load and retrieve module information for module: $ModuleName.")) $ModuleName))
    }
    if (-not $Name) { $Name = $info.Name }
    if ($VaultParameters.ContainsKey('Verbose')) {
        $PSCmdlet.ThrowTerminatingError((New-Error 'RegisterSecretVaultCommandCannotUseReservedName' InvalidArgument ([PSArgumentException]::new('The name Verbose is reserved.')) $Name))
    }
    $extDir = Join-Path $info.ModuleBase "$($info.Name).Extension"
    $extManifest = Join-Path $extDir "$($info.Name).Extension.psd1"
    if (-not (Test-Path $extManifest)) {
        $PSCmdlet.ThrowTerminatingError((New-Error 'RegisterSecretVaultInvalidExtensionVault' InvalidOperation ([PSInvalidOperationException]::new("Module $($info.Name) is not a valid extension vault: the $($info.Name).Extension nested module was not found.")) $Name))
    }
    $ext = Import-Module $extManifest -PassThru -Force -Scope Local -Prefix 'PplxSmCheck'
    try {
        foreach ($required in 'Get-Secret', 'Set-Secret', 'Remove-Secret', 'Get-SecretInfo', 'Test-SecretVault') {
            if (-not $ext.ExportedFunctions.ContainsKey(($required -replace '-', '-PplxSmCheck'))) {
                $PSCmdlet.ThrowTerminatingError((New-Error 'RegisterSecretVaultInvalidExtensionVault' InvalidOperation ([PSInvalidOperationException]::new("Module $($info.Name) is not a valid extension vault: $required function not found.")) $Name))
            }
        }
    }
    finally { Remove-Module $ext -Force }
    $registry = Read-Registry
    if ($registry.Vaults.Contains($Name) -and -not $AllowClobber) {
        $PSCmdlet.ThrowTerminatingError((New-Error 'RegisterSecretVaultInvalidVaultName' InvalidOperation ([InvalidOperationException]::new('Provided Name for vault is already being used.')) $Name))
    }
    if (-not $PSCmdlet.ShouldProcess($Name, 'Register vault')) { return }
    $registry.Vaults[$Name] = @{ ModuleName = $info.Name; ModulePath = $info.ModuleBase; VaultParameters = $VaultParameters; Description = $Description }
    if ($DefaultVault -or -not $registry.DefaultVaultName) { $registry.DefaultVaultName = $Name }
    Write-Registry $registry
    if ($PassThru) { Get-SecretVault -Name $Name }
}

function Unregister-SecretVault {
    [CmdletBinding(SupportsShouldProcess)]
    param([Parameter(Position = 0, Mandatory, ValueFromPipelineByPropertyName)] [string[]] $Name)
    process {
        $registry = Read-Registry
        foreach ($n in $Name) {
            if (-not $registry.Vaults.Contains($n)) {
                $PSCmdlet.WriteError((New-Error 'UnregisterSecretVaultObjectNotFound' ObjectNotFound ([ItemNotFoundException]::new("Unable to find secret vault $n to unregister it.")) $n))
                continue
            }
            if (-not $PSCmdlet.ShouldProcess($n, 'Unregister vault')) { continue }
            $registry.Vaults.Remove($n)
            if ($registry.DefaultVaultName -eq $n) { $registry.DefaultVaultName = '' }
        }
        Write-Registry $registry
    }
}

function Set-SecretVaultDefault {
    [CmdletBinding(SupportsShouldProcess, DefaultParameterSetName = 'NameParameterSet')]
    param(
        [Parameter(ParameterSetName = 'NameParameterSet', Position = 0, Mandatory)] [string] $Name,
        [Parameter(ParameterSetName = 'ClearParameterSet', Mandatory)] [switch] $ClearDefault
    )
    $registry = Read-Registry
    if ($ClearDefault) { $registry.DefaultVaultName = ''; Write-Registry $registry; return }
    if (-not $registry.Vaults.Contains($Name)) {
        $PSCmdlet.ThrowTerminatingError((New-Error 'VaultNotFound' ObjectNotFound ([ItemNotFoundException]::new('Vault name was not found.')) $Name))
    }
    $registry.DefaultVaultName = $Name
    Write-Registry $registry
}

function Test-SecretVault {
    [CmdletBinding()]
    param([Parameter(Position = 0)] [string[]] $Name = '*')
    $all = $true
    foreach ($v in @(Get-OrderedVaults | Where-Object { $vault = $_; @($Name | Where-Object { $vault.Name -like $_ }).Count -gt 0 })) {
        $r = Invoke-VaultFunction $v 'Test-SecretVault' @{}
        if ($r.Exception -or -not ($r.Output | Select-Object -First 1)) { $all = $false }
        if ($r.Exception) { $PSCmdlet.WriteError((New-Error 'TestSecretVaultInvalidOperation' InvalidOperation $r.Exception $v.Name)) }
    }
    $all
}

function Unlock-SecretVault {
    [CmdletBinding()]
    param([Parameter(Position = 0, Mandatory)] [string] $Name, [Parameter(Position = 1, Mandatory)] [securestring] $Password)
    $v = Get-VaultEntry $Name $PSCmdlet
    $ext = Join-Path $v.ModulePath "$($v.ModuleName).Extension"
    if (-not ((Get-ChildItem $ext -Filter '*.psm1' | Get-Content -Raw) -match 'function\s+Unlock-SecretVault\b')) {
        Write-Warning "Cannot unlock extension vault '$Name': The vault does not support the Unlock-SecretVault function."
        return
    }
    $r = Invoke-VaultFunction $v 'Unlock-SecretVault' @{ Password = $Password }
    if ($r.Exception) { $PSCmdlet.WriteError((New-Error 'UnlockSecretVaultFailed' AuthenticationError $r.Exception $Name)) }
    foreach ($e in $r.Errors) { $PSCmdlet.WriteError($e) }
}

Export-ModuleMember -Function Get-Secret, Set-Secret, Remove-Secret, Get-SecretInfo, Set-SecretInfo, Get-SecretVault,
    Register-SecretVault, Unregister-SecretVault, Set-SecretVaultDefault, Test-SecretVault, Unlock-SecretVault
