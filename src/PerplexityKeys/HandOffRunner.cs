using PerplexityKeys.Core.Api;

namespace PerplexityKeys;

/// <summary>
/// Runs -OnNewToken with $_ and $args[0] set to the new token, and fails the hand-off on any error it writes (its
/// ErrorActionPreference is Stop), a throw, or a native command's non-zero exit code. Its records, which may hold the
/// key (a throw that printed it), leave $Error; only their redacted, escaped text goes on.
/// </summary>
internal static class HandOffRunner
{
    private static readonly ScriptBlock Runner = ScriptBlock.Create(@"
param($OnNewToken, $Token)
$ErrorActionPreference = 'Stop'
$global:LASTEXITCODE = 0
# Called as a method, not a command: a throw that quotes the key is caught here and never logged raw (transcripts log
# a terminating error where it crosses a command); only its redacted, escaped text goes on.
try { $null = $OnNewToken.InvokeWithContext($null, [System.Collections.Generic.List[psvariable]]@([psvariable]::new('_', $Token)), $Token) }
catch {
    $reason = if ($_.Exception.InnerException) { $_.Exception.InnerException.Message } else { $_.Exception.Message }
    throw [System.InvalidOperationException]::new([PerplexityKeys.Core.Api.OutsideText]::EscapeRedacted($reason))
}
if ($global:LASTEXITCODE -ne 0) { throw ""The -OnNewToken script block ended with exit code $global:LASTEXITCODE."" }
");

    /// <summary>Runs <paramref name="onNewToken"/> for <paramref name="token"/> on <paramref name="cmdlet"/>'s pipeline thread.</summary>
    /// <exception cref="InvalidOperationException">The hand-off failed; the message is redacted and escaped.</exception>
    public static void Run(PSCmdlet cmdlet, ScriptBlock onNewToken, PplxToken token)
    {
        int errorsBefore = SessionErrors.Count(cmdlet);
        try
        {
            Runner.Invoke(onNewToken, token);
        }
        catch (RuntimeException e)
        {
            SessionErrors.ForgetSince(cmdlet, errorsBefore);
            throw new InvalidOperationException(OutsideText.EscapeRedacted(e.InnerException?.Message ?? e.Message));
        }
    }
}
