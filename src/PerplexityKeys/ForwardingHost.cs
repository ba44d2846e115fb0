using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation.Host;
using System.Security;

namespace PerplexityKeys;

/// <summary>
/// The caller's host, lent to a module runspace (a vault call) through a wrapper of its own. A runspace opened on the
/// caller's host object itself shares its user interface with the caller's pipeline, and each pipeline that ends
/// there detaches that interface from the caller's streams: a command hosted by the PowerShell API (a runspace of a
/// script host, a thread job) lost its verbose, warning and progress records after its first vault call. Through
/// this wrapper a vault can still prompt (its questions reach the caller's host) and the caller's streams stay its own.
/// </summary>
internal sealed class ForwardingHost(PSHost caller) : PSHost
{
    private readonly ForwardingUserInterface _ui = new(caller.UI, caller.InstanceId);

    public override CultureInfo CurrentCulture => caller.CurrentCulture;

    public override CultureInfo CurrentUICulture => caller.CurrentUICulture;

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override string Name => caller.Name;

    public override PSHostUserInterface UI => _ui;

    public override Version Version => caller.Version;

    public override void EnterNestedPrompt() => throw new NotSupportedException("A vault call cannot enter a nested prompt.");

    public override void ExitNestedPrompt() => throw new NotSupportedException("A vault call cannot enter a nested prompt.");

    public override void NotifyBeginApplication()
    {
    }

    public override void NotifyEndApplication()
    {
    }

    public override void SetShouldExit(int exitCode)
    {
    }

    private sealed class ForwardingUserInterface(PSHostUserInterface? caller, Guid callerId) : PSHostUserInterface
    {
        // Every question goes through here: refused while a command that never prompts runs (HostPrompts).
        private PSHostUserInterface Caller
        {
            get
            {
                HostPrompts.ThrowIfRefused(callerId);
                return caller ?? throw new PSNotSupportedException("The calling host has no user interface.");
            }
        }

        public override PSHostRawUserInterface? RawUI => caller?.RawUI;

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => Caller.Prompt(caption, message, descriptions);

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) => Caller.PromptForChoice(caption, message, choices, defaultChoice);

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => Caller.PromptForCredential(caption, message, userName, targetName);

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            Caller.PromptForCredential(caption, message, userName, targetName, allowedCredentialTypes, options);

        public override string ReadLine() => Caller.ReadLine();

        public override SecureString ReadLineAsSecureString() => Caller.ReadLineAsSecureString();

        // While prompts are refused, the text a vault shows with its question ("... Enter password:") is not shown either.
        private PSHostUserInterface? Shown => HostPrompts.Refusing(callerId) ? null : caller;

        public override void Write(string value) => Shown?.Write(value);

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Shown?.Write(foregroundColor, backgroundColor, value);

        public override void WriteLine(string value) => Shown?.WriteLine(value);

        public override void WriteErrorLine(string value) => Shown?.WriteErrorLine(value);

        public override void WriteDebugLine(string message)
        {
            // A vault's debug and verbose lines are its own; the module reports what matters through its own streams.
        }

        public override void WriteVerboseLine(string message)
        {
        }

        public override void WriteWarningLine(string message) => caller?.WriteWarningLine(message);

        public override void WriteProgress(long sourceId, ProgressRecord record)
        {
        }
    }
}
