using System.Management.Automation;
using Xunit;

namespace PerplexityKeys.Tests;

public sealed class HeldErrorsTests
{
    [Fact]
    public void Summary_IsNothing_TheOneError_OrOneItemsFailedErrorListingThemAll()
    {
        var held = new HeldErrors();
        Assert.Null(held.Summary("every item was attempted"));

        ErrorRecord first = Record("SecretNotFound", "no secret a");
        held.Hold(first);
        Assert.Same(first, held.Summary("every item was attempted"));

        held.Hold(Record("VaultLocked", "vault b is locked"));
        ErrorRecord summary = held.Summary("every item was attempted")!;
        Assert.Equal("ItemsFailed", summary.FullyQualifiedErrorId);
        Assert.Contains("2 items failed", summary.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("- VaultLocked: vault b is locked", summary.Exception.Message, StringComparison.Ordinal);
        Assert.Equal(2, Assert.IsType<PplxBatchException>(summary.Exception).Errors.Count);
    }

    [Fact]
    public void With_ATerminatingError_CarriesTheHeldOnesToo_AndHoldsNothingAfter()
    {
        var held = new HeldErrors();
        held.Hold(Record("SecretNotFound", "no secret a"));

        ErrorRecord combined = held.With(Record("ApiKeyNotFound", "no key"));

        Assert.Equal("ItemsFailed", combined.FullyQualifiedErrorId);
        Assert.Contains("the last one ending the command", combined.Exception.Message, StringComparison.Ordinal);
        Assert.Null(held.Summary("every item was attempted"));
        ErrorRecord alone = Record("ApiKeyNotFound", "no key");
        Assert.Same(alone, held.With(alone));
    }

    private static ErrorRecord Record(string id, string message) => new(new InvalidOperationException(message), id, ErrorCategory.NotSpecified, null);
}
