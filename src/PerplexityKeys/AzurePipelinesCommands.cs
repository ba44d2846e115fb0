using System.Text;

namespace PerplexityKeys;

/// <summary>
/// Azure Pipelines logging commands, as the agent reads them from a step's standard output: <c>##vso[area.action
/// property=value;...]message</c>, one command per line, the first <c>##vso[</c> of a line being the one it acts on.
/// Message text is escaped as data (<c>%</c>, CR, LF), property values also for <c>;</c> and <c>]</c>, so that neither
/// can end the line or the property list early (the agent's CommandStringConvertor, azure-pipelines-task-lib).
/// </summary>
internal static class AzurePipelinesCommands
{
    /// <summary>The environment variable the agent sets to <c>True</c> in every step.</summary>
    public const string DetectionVariable = "TF_BUILD";

    /// <summary><c>##vso[task.logissue type=error;]message</c> (or <c>type=warning</c>): an issue on the step and the run's summary.</summary>
    public static string LogIssue(string type, string message) => $"##vso[task.logissue type={EscapeProperty(type)};]{EscapeData(message)}";

    /// <summary><c>##vso[task.setvariable variable=NAME;issecret=true]value</c>: a secret variable of the later steps, masked in logs.</summary>
    public static string SetSecretVariable(string name, string value) => $"##vso[task.setvariable variable={EscapeProperty(name)};issecret=true]{EscapeData(value)}";

    /// <summary><c>##vso[task.complete result=SucceededWithIssues;]message</c>: the step's result (the script goes on).</summary>
    public static string Complete(string result, string message) => $"##vso[task.complete result={EscapeProperty(result)};]{EscapeData(message)}";

    /// <summary>Data (a message, a variable's value): <c>%</c> as <c>%AZP25</c>, CR as <c>%0D</c>, LF as <c>%0A</c>.</summary>
    public static string EscapeData(string text) => Escape(text, property: false);

    /// <summary>A property value: as data, and <c>;</c> as <c>%3B</c>, <c>]</c> as <c>%5D</c>.</summary>
    public static string EscapeProperty(string text) => Escape(text, property: true);

    private static string Escape(string text, bool property)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            escaped.Append(c switch
            {
                '%' => "%AZP25",
                '\r' => "%0D",
                '\n' => "%0A",
                ';' when property => "%3B",
                ']' when property => "%5D",
                _ => null,
            } ?? c.ToString());
        }

        return escaped.ToString();
    }
}
