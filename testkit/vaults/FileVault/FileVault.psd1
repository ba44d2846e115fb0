@{
    ModuleVersion     = '1.0.0'
    GUID              = '0f4c7a7e-8f0b-4d41-9a5e-3b0c8f1e2a11'
    Description       = 'A file-backed SecretManagement extension vault with metadata (PerplexityKeys tests only).'
    NestedModules     = @('.\FileVault.Extension')
    FunctionsToExport = @()
    CmdletsToExport   = @()
}
