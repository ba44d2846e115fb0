using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation.Host;
using System.Security;

namespace PerplexityKeys;

/// <summary>
/// The host of the runspaces in which Get-PplxToken's vault calls run: it can answer nothing. A vault that would prompt
/// (SecretStore asking for its password through the host) gets a <see cref="PromptRefusedException"/> at once instead,
/// which reads as VaultLocked; what a vault writes to the host is dropped. The inventory never unlocks and never prompts.
/// </summary>
internal sealed class NoPromptHost : PSHost
{
    public static readonly NoPromptHost Instance = new();

    private readonly Guid _id = Guid.NewGuid();

    private NoPromptHost()
    {
    }

    public override string Name => "PerplexityKeys.NoPrompt";

    public override Version Version => new(1, 0);

    public override Guid InstanceId => _id;

    public override PSHostUserInterface UI { get; } = new Silent();

    public override CultureInfo CurrentCulture => CultureInfo.CurrentCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.CurrentUICulture;

    public override void SetShouldExit(int exitCode)
    {
    }

    public override void EnterNestedPrompt() => throw new PromptRefusedException();

    public override void ExitNestedPrompt()
    {
    }

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    /// <summary>A vault asked the host for input in a call that must not prompt.</summary>
    internal sealed class PromptRefusedException() : HostException("The vault asked for input (a password?), and this command never prompts.");

    private sealed class Silent : PSHostUserInterface
    {
        public override PSHostRawUserInterface? RawUI => null;

        public override string ReadLine() => throw new PromptRefusedException();

        public override SecureString ReadLineAsSecureString() => throw new PromptRefusedException();

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new PromptRefusedException();

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new PromptRefusedException();

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new PromptRefusedException();

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => throw new PromptRefusedException();

        public override void Write(string value)
        {
        }

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value)
        {
        }

        public override void WriteLine(string value)
        {
        }

        public override void WriteErrorLine(string value)
        {
        }

        public override void WriteDebugLine(string message)
        {
        }

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }

        public override void WriteVerboseLine(string message)
        {
        }

        public override void WriteWarningLine(string message)
        {
        }
    }
}
