using System.Management.Automation;
using System.Text.RegularExpressions;
using Xunit;

namespace PerplexityKeys.Tests;

/// <summary>Which vaults tab completion never asks for secret names: those that may prompt for a password.</summary>
public sealed class CompletionTests
{
    [Theory]
    [InlineData("Microsoft.PowerShell.SecretStore", true)]
    [InlineData("/opt/modules/Microsoft.PowerShell.SecretStore", true)]
    [InlineData("SecretManagement.KeePass", true)]
    [InlineData("Az.KeyVault", false)]
    [InlineData("Microsoft.PowerShell.SecretManagement.AzureKeyVault", false)]
    [InlineData("/tmp/testkit/vaults/FileVault", false)]
    [InlineData("MySecretStoreWrapper", false)]
    public void PromptingVaultModules_MatchTheVaultsThatAskForAPassword(string moduleName, bool prompts)
    {
        Assert.Equal(prompts, Regex.IsMatch(moduleName, SecretNameCompleter.PromptingVaultModules));
    }

    [Theory]
    [InlineData("pplx-svc", "pplx-svc")]
    [InlineData("pplx it's odd", "'pplx it''s odd'")]
    [InlineData("svc[1]", "'svc[1]'")]
    [InlineData("-Force", "'-Force'")]
    [InlineData("x\u2019; iwr evil|iex; \u2019", "'x\u2019\u2019; iwr evil|iex; \u2019\u2019'")]
    [InlineData("caf\u00e9", "'caf\u00e9'")]
    public void Result_QuotesNamesPowerShellWouldNotReadAsOneWord(string name, string typed)
    {
        Assert.Equal(typed, CompletionText.Result(name).CompletionText);
    }

    [Fact]
    public void Result_ShowsANameWithControlCharactersEscaped_InTheList()
    {
        CompletionResult result = CompletionText.Result("svc\u001b[31mred");

        Assert.DoesNotContain('\u001b', result.ListItemText);
        Assert.DoesNotContain('\u001b', result.ToolTip);
    }
}
