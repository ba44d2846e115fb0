#nullable enable
using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

/// <summary>
/// A host with somebody at the keyboard (a terminal, an editor): it answers every password prompt with one answer
/// and counts the prompts, so a test can tell whether a command asked. Used by Invoke-InAnsweringHost.ps1.
/// </summary>
public sealed class AnsweringHost : PSHost
{
    private readonly AnsweringUserInterface _ui;

    public AnsweringHost(string answer) => _ui = new AnsweringUserInterface(answer);

    public int Prompts => _ui.Prompts;

    public List<string> Warnings => _ui.Warnings;

    /// <summary>What was written to the host as text (a vault's "Enter password:" among it).</summary>
    public List<string> Shown => _ui.Shown;

    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;

    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;

    public override Guid InstanceId { get; } = Guid.NewGuid();

    public override string Name => "AnsweringHost";

    public override PSHostUserInterface UI => _ui;

    public override Version Version => new(1, 0);

    public override void EnterNestedPrompt() => throw new NotSupportedException();

    public override void ExitNestedPrompt() => throw new NotSupportedException();

    public override void NotifyBeginApplication() { }

    public override void NotifyEndApplication() { }

    public override void SetShouldExit(int exitCode) { }

    private sealed class AnsweringUserInterface(string answer) : PSHostUserInterface
    {
        public int Prompts;

        public List<string> Warnings { get; } = new();

        public List<string> Shown { get; } = new();

        public override PSHostRawUserInterface RawUI => null!;

        public override SecureString ReadLineAsSecureString()
        {
            Prompts++;
            var s = new SecureString();
            foreach (char c in answer) { s.AppendChar(c); }
            return s;
        }

        public override string ReadLine() { Prompts++; return answer; }

        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) => throw new NotSupportedException("Prompt");

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice) { Prompts++; return defaultChoice; }

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) => throw new NotSupportedException("PromptForCredential");

        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName, PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) => throw new NotSupportedException("PromptForCredential");

        public override void Write(string value) => Shown.Add(value);

        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Shown.Add(value);

        public override void WriteLine(string value) => Shown.Add(value);

        public override void WriteErrorLine(string value) { }

        public override void WriteDebugLine(string message) { }

        public override void WriteProgress(long sourceId, ProgressRecord record) { }

        public override void WriteVerboseLine(string message) { }

        public override void WriteWarningLine(string message) => Warnings.Add(message);
    }
}
