@{
    # The source manifest. build.ps1 copies it into out/PerplexityKeys/<version>/ and stamps
    # ModuleVersion from Directory.Build.props (the one version source).
    RootModule           = 'PerplexityKeys.dll'
    # Loaded first: makes lib/ (the core and its dependencies) loadable on Windows PowerShell 5.1 and PowerShell 7.
    NestedModules        = @('PerplexityKeys.Loader.dll')
    ModuleVersion        = '0.0.0'
    GUID                 = '6f5f3c1e-2b7a-4d4e-9a61-3c8e0b7d5a42'
    Author               = 'PerplexityKeys contributors'
    CompanyName          = 'PerplexityKeys'
    Copyright            = '(c) PerplexityKeys contributors.'
    Description          = 'Manage Perplexity API keys: mint, test, revoke, and rotate them with zero downtime through SecretManagement vaults.'
    PowerShellVersion    = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    CompatiblePSEditions = @('Desktop', 'Core')
    # No FormatsToProcess: the first PerplexityKeys command of a session loads PerplexityKeys.format.ps1xml
    # (FormatViews). No TypesToProcess: the rule that keeps the key out of CLIXML is dynamic type data, added by the
    # import (TokenSerialization), so that Remove-Module does not take it from the tokens a session keeps.
    # docs/loading.md, "The import".
    CmdletsToExport      = @(
        'New-PplxToken'
        'Test-PplxToken'
        'Revoke-PplxToken'
        'Invoke-PplxRotation'
        'Get-PplxToken'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('Perplexity', 'API', 'Keys', 'Rotation', 'SecretManagement')
            ProjectUri = ''
        }
    }
}
