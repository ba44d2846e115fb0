@{
    ModuleVersion     = '1.0.0'
    GUID              = '9b7e2c44-1d3f-4c8a-b6e2-7f0a5d9c3e42'
    Description       = 'A file-backed SecretManagement extension vault without metadata that fails on demand (PerplexityKeys tests only).'
    NestedModules     = @('.\FlakyVault.Extension')
    FunctionsToExport = @()
    CmdletsToExport   = @()
}
