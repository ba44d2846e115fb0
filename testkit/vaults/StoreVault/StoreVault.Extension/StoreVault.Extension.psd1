@{
    ModuleVersion     = '1.0.0'
    GUID              = '9d27c6f1-2e5a-4b83-b0f4-61e8a3d95c27'
    RootModule        = 'StoreVault.Extension.psm1'
    FunctionsToExport = @('Get-Secret', 'Set-Secret', 'Remove-Secret', 'Get-SecretInfo', 'Set-SecretInfo', 'Test-SecretVault', 'Unlock-SecretVault')
}
