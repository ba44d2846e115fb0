@{
    ModuleVersion     = '1.0.0'
    GUID              = 'c2a4e7d1-5b9f-4e3c-8a1d-2f6b0e9c7a53'
    RootModule        = 'FlakyVault.Extension.psm1'
    FunctionsToExport = @('Get-Secret', 'Set-Secret', 'Remove-Secret', 'Get-SecretInfo', 'Test-SecretVault', 'Unlock-SecretVault')
}
