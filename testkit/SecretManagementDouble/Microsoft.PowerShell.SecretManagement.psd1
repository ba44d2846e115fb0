@{
    # A test double of Microsoft.PowerShell.SecretManagement 1.1.2's public cmdlets (tests only).
    # Binary, as the real module is: its errors carry '<ErrorId>,Microsoft.PowerShell.SecretManagement.<Cmdlet>Command'.
    RootModule        = 'Microsoft.PowerShell.SecretManagement.dll'
    ModuleVersion     = '1.1.2'
    GUID              = 'a5c858f6-4a8e-41f1-b1ee-0e9b8f4d2d1e'
    Author            = 'PerplexityKeys tests'
    Description       = 'Test double of SecretManagement (not the real module).'
    PowerShellVersion = '5.1'
    FunctionsToExport = @()
    CmdletsToExport   = @('Get-Secret', 'Set-Secret', 'Remove-Secret', 'Get-SecretInfo', 'Set-SecretInfo',
        'Get-SecretVault', 'Register-SecretVault', 'Unregister-SecretVault', 'Set-SecretVaultDefault',
        'Test-SecretVault', 'Unlock-SecretVault')
    AliasesToExport   = @()
    VariablesToExport = @()
    PrivateData       = @{ PSData = @{ IsTestDouble = $true } }
}
