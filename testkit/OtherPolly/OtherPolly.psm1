# Another module of the session with its own Polly.Core (8.4.2), loaded the way a binary module's dependency is:
# into PowerShell 7's default load context. The loading tests import it before and after PerplexityKeys.
$script:Polly = [System.Reflection.Assembly]::LoadFrom((Join-Path $PSScriptRoot 'Polly.Core.dll'))

function Invoke-OtherPolly {
    <# Runs a Polly pipeline with a retry (one failure, then success) on this module's Polly; returns its version. #>
    $builder = [Polly.ResiliencePipelineBuilder]::new()
    $retry = [Polly.Retry.RetryStrategyOptions]::new()
    $retry.Delay = [timespan]::Zero
    $retry.MaxRetryAttempts = 2
    $pipeline = [Polly.RetryResiliencePipelineBuilderExtensions]::AddRetry($builder, $retry).Build()
    $script:attempts = 0
    $pipeline.Execute([Action] { $script:attempts++; if ($script:attempts -lt 2) { throw 'first attempt fails' } })
    [pscustomobject]@{ Attempts = $script:attempts; Version = $script:Polly.GetCustomAttributes([System.Reflection.AssemblyInformationalVersionAttribute], $false)[0].InformationalVersion }
}

Export-ModuleMember -Function Invoke-OtherPolly
