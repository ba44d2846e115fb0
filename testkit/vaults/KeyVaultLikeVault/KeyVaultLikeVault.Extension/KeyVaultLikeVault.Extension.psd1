@{
    ModuleVersion     = '1.0.0'
    GUID              = '5c93b2e7-d814-4a6f-8e01-b4f7c2a96d35'
    RootModule        = 'KeyVaultLikeVault.Extension.psm1'
    FunctionsToExport = @('Get-Secret', 'Set-Secret', 'Remove-Secret', 'Get-SecretInfo', 'Test-SecretVault')
}
