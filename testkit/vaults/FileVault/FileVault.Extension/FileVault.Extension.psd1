@{
    ModuleVersion     = '1.0.0'
    GUID              = '6d1f0e53-2a8c-4a57-8d57-5c3d4b7e9f21'
    RootModule        = 'FileVault.Extension.psm1'
    FunctionsToExport = @('Get-Secret', 'Set-Secret', 'Remove-Secret', 'Get-SecretInfo', 'Set-SecretInfo', 'Test-SecretVault')
}
