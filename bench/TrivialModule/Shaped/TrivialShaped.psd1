# The trivial module laid out as a shipped binary module is: a manifest, a types file and a formats file (the bench
# copies TrivialModule.dll beside it). Shown beside the bare trivial module, so the cost of the layout itself is seen.
@{
    RootModule           = 'TrivialModule.dll'
    ModuleVersion        = '1.0.0'
    GUID                 = '3b0a2f4e-9c1d-4e55-8f77-1c2d3e4f5a6b'
    PowerShellVersion    = '5.1'
    CompatiblePSEditions = @('Desktop', 'Core')
    FormatsToProcess     = @('TrivialShaped.format.ps1xml')
    TypesToProcess       = @('TrivialShaped.types.ps1xml')
    CmdletsToExport      = @('Get-Trivial')
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
}
