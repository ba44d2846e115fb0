@{
    ModuleVersion     = '1.0.0'
    GUID              = '3b8e5d20-7c41-4f6a-9e2d-8a1c5f0b7d64'
    Description       = 'A SecretStore-like SecretManagement extension vault: per-process cache, debounced reload, password, relock and prompt (PerplexityKeys tests only).'
    NestedModules     = @('.\StoreVault.Extension')
    FunctionsToExport = @()
    CmdletsToExport   = @()
}
