@{
    ModuleVersion     = '1.0.0'
    GUID              = 'e6a1f4c8-0b7d-4e29-a35c-7f2d9b8e1c40'
    Description       = 'An Azure-Key-Vault-like SecretManagement extension vault: no metadata, strict names, soft delete (PerplexityKeys tests only).'
    NestedModules     = @('.\KeyVaultLikeVault.Extension')
    FunctionsToExport = @()
    CmdletsToExport   = @()
}
