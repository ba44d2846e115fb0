using System.IO;
using System.Linq;
using System.Management.Automation.Host;
using System.Text;
using PerplexityKeys.Core.Api;
using PerplexityKeys.Core.Rotation;

namespace PerplexityKeys;

/// <summary>
/// Speaks the pipeline's language (docs/pipelines.md): under Azure Pipelines or GitHub Actions, the errors and
/// warnings a command writes also go to standard output as the system's logging commands, a prepared rotation says
/// that the step is not finished, and a key asked for with -CiVariable is handed on to the later steps as a secret
/// (the one line where a key may reach standard output). Outside both systems it writes nothing.
/// </summary>
internal sealed class CiLog
{
    /// <summary>The log of a process that no pipeline system runs: it writes nothing.</summary>
    public static readonly CiLog Silent = new(CiSystem.None, _ => { }, null);

    private readonly Action<string> _stdout;
    private readonly string? _outputFile;
    private readonly bool _toProcessOutput;

    /// <summary>
    /// A log for <paramref name="system"/> whose lines go to <paramref name="stdout"/>; <paramref name="outputFile"/> is
    /// $GITHUB_OUTPUT; <paramref name="toProcessOutput"/> says the lines go to the process's own standard output (not
    /// through a host, whose transcript would record a key line).
    /// </summary>
    public CiLog(CiSystem system, Action<string> stdout, string? outputFile, bool toProcessOutput = true)
    {
        System = system;
        _stdout = stdout;
        _outputFile = string.IsNullOrEmpty(outputFile) ? null : outputFile;
        _toProcessOutput = toProcessOutput;
    }

    /// <summary>The system the lines are written for.</summary>
    public CiSystem System { get; }

    /// <summary>Why a key cannot be handed on here (no pipeline system, or no $GITHUB_OUTPUT), or null when it can.</summary>
    public string? HandOnUnsupported => System switch
    {
        not CiSystem.None when !_toProcessOutput => "This command runs under a host other than the console (a job, a remote session), whose transcript would record the line that carries the key; nothing was done. Run the step in pwsh or powershell.exe itself.",
        CiSystem.AzurePipelines => null,
        CiSystem.GitHubActions when _outputFile is not null => null,
        CiSystem.GitHubActions => $"GitHub Actions runs this command, but ${GitHubWorkflowCommands.OutputFileVariable} names no file for the step's outputs, so there is no later step to hand a key on to; nothing was done.",
        _ => $"Neither Azure Pipelines ({AzurePipelinesCommands.DetectionVariable}=True) nor GitHub Actions ({GitHubWorkflowCommands.DetectionVariable}=true) runs this command, so there is no later step to hand a key on to; nothing was done.",
    };

    /// <summary>Azure Pipelines when TF_BUILD is True, else GitHub Actions when GITHUB_ACTIONS is true, else none (case ignored).</summary>
    public static CiSystem Detect(Func<string, string?> environment) =>
        string.Equals(environment(AzurePipelinesCommands.DetectionVariable), "True", StringComparison.OrdinalIgnoreCase) ? CiSystem.AzurePipelines
        : string.Equals(environment(GitHubWorkflowCommands.DetectionVariable), "true", StringComparison.OrdinalIgnoreCase) ? CiSystem.GitHubActions
        : CiSystem.None;

    /// <summary>
    /// The log for a command. Its lines go to the process's standard output when the host is the console host (pwsh or
    /// powershell.exe as the agent or runner starts them): the success stream keeps only objects, a captured result
    /// ($x = ...) does not swallow them, and a transcript does not record them. Under any other host (a job, a remote
    /// session, whose standard output may be a protocol channel) they go to the host, which forwards them.
    /// </summary>
    public static CiLog For(PSCmdlet cmdlet)
    {
        CiSystem system = Detect(Environment.GetEnvironmentVariable);
        if (system == CiSystem.None)
        {
            return Silent;
        }

        PSHost host = cmdlet.Host;
        bool console = host.Name == "ConsoleHost" || host.UI is null;
        Action<string> stdout = console ? ToStandardOutput : host.UI!.WriteLine;
        return new CiLog(system, stdout, Environment.GetEnvironmentVariable(GitHubWorkflowCommands.OutputFileVariable), console);
    }

    /// <summary>The text an error is logged with: the command, the ErrorId and the message PowerShell shows.</summary>
    public static string ErrorText(string command, ErrorRecord record) =>
        $"{command} ({record.FullyQualifiedErrorId.Split(',')[0]}): {HeldErrors.Shown(record)}";

    /// <summary>An error line: <c>##vso[task.logissue type=error;]</c> or <c>::error::</c>.</summary>
    public void Error(string text) => Write(System switch
    {
        CiSystem.AzurePipelines => AzurePipelinesCommands.LogIssue("error", Safe(text)),
        CiSystem.GitHubActions => GitHubWorkflowCommands.Error(Safe(text)),
        _ => null,
    });

    /// <summary>A warning line: <c>##vso[task.logissue type=warning;]</c> or <c>::warning::</c>.</summary>
    public void Warning(string text) => Write(System switch
    {
        CiSystem.AzurePipelines => AzurePipelinesCommands.LogIssue("warning", Safe(text)),
        CiSystem.GitHubActions => GitHubWorkflowCommands.Warning(Safe(text)),
        _ => null,
    });

    /// <summary>
    /// A rotation that prepared (AwaitingFinish) did its part and left the old key for a Finish run: Azure Pipelines marks
    /// the step SucceededWithIssues; GitHub Actions, which has no such result, gets a warning. Any other result: nothing.
    /// </summary>
    public void Prepared(RotationResult result)
    {
        if (!result.AwaitingFinish)
        {
            return;
        }

        string text = $"Prepared: {result.NewFingerprint} is current in '{result.SecretName}' (vault '{result.Vault}') and {result.OldFingerprint} is kept; run Invoke-PplxRotation -Stage Finish to revoke it.";
        Write(System switch
        {
            CiSystem.AzurePipelines => AzurePipelinesCommands.Complete("SucceededWithIssues", Safe(text)),
            CiSystem.GitHubActions => GitHubWorkflowCommands.Warning(Safe(text)),
            _ => null,
        });
    }

    /// <summary>
    /// Hands <paramref name="value"/> on to the later steps as <paramref name="name"/>: one setvariable line with
    /// issecret=true (Azure Pipelines), or an add-mask line and then the step output, appended to $GITHUB_OUTPUT and
    /// never printed (GitHub Actions). Those two lines are the only ones the module writes a key in.
    /// </summary>
    /// <exception cref="InvalidOperationException">No system that can take it (HandOnUnsupported).</exception>
    /// <exception cref="IOException">$GITHUB_OUTPUT could not be appended to.</exception>
    public void HandOn(string name, string value)
    {
        if (HandOnUnsupported is { } why)
        {
            throw new InvalidOperationException(why);
        }

        if (System == CiSystem.AzurePipelines)
        {
            _stdout(AzurePipelinesCommands.SetSecretVariable(name, value));
            return;
        }

        _stdout(GitHubWorkflowCommands.AddMask(value));
        string entry = GitHubWorkflowCommands.OutputEntry(name, value, "ghadelimiter_" + Guid.NewGuid().ToString("N"));
        File.AppendAllText(_outputFile!, entry, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
    }

    /// <summary>
    /// Text safe to put on a command line: each line escaped as outside text (no control characters, <c>##</c> and a
    /// leading <c>::</c> broken up, anything key-shaped replaced by its fingerprint), so the line's own command is the
    /// only one on it; line breaks are kept for the system to escape.
    /// </summary>
    private static string Safe(string text) =>
        string.Join("\n", text.Replace("\r\n", "\n").Split('\n').Select(OutsideText.EscapeRedacted));

    private static void ToStandardOutput(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    private void Write(string? line)
    {
        if (line is not null)
        {
            _stdout(line);
        }
    }
}
