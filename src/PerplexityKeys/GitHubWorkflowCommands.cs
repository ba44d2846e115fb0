using System.Text;

namespace PerplexityKeys;

/// <summary>
/// GitHub Actions workflow commands, as the runner reads them from a step's standard output (<c>::command::data</c> at
/// the start of a line), and the step-output file the runner names in <c>$GITHUB_OUTPUT</c>. Data is escaped as
/// @actions/core escapes it (<c>%</c> as <c>%25</c>, CR as <c>%0D</c>, LF as <c>%0A</c>), so it stays on its line. No
/// command here takes properties (<c>title=</c>, <c>file=</c>), whose values would also need <c>:</c> and <c>,</c> escaped.
/// </summary>
internal static class GitHubWorkflowCommands
{
    /// <summary>The environment variable the runner sets to <c>true</c> in every step.</summary>
    public const string DetectionVariable = "GITHUB_ACTIONS";

    /// <summary>The environment variable naming the file a step appends its outputs to.</summary>
    public const string OutputFileVariable = "GITHUB_OUTPUT";

    /// <summary><c>::error::message</c>: an error annotation.</summary>
    public static string Error(string message) => "::error::" + EscapeData(message);

    /// <summary><c>::warning::message</c>: a warning annotation.</summary>
    public static string Warning(string message) => "::warning::" + EscapeData(message);

    /// <summary><c>::add-mask::value</c>: the runner masks the value in every later line of the job's log.</summary>
    public static string AddMask(string value) => "::add-mask::" + EscapeData(value);

    /// <summary>
    /// What a step appends to <c>$GITHUB_OUTPUT</c> to set the output NAME: <c>NAME=value</c> and a line feed for a
    /// one-line value; otherwise <c>NAME&lt;&lt;DELIMITER</c>, the value, and the delimiter on lines of their own (a
    /// delimiter that occurs in the value is refused, as the runner would misread the value).
    /// </summary>
    public static string OutputEntry(string name, string value, string delimiter)
    {
        if (value.IndexOf('\n') < 0 && value.IndexOf('\r') < 0)
        {
            return $"{name}={value}\n";
        }

        if (value.Contains(delimiter))
        {
            throw new ArgumentException("The delimiter occurs in the value.", nameof(delimiter));
        }

        return $"{name}<<{delimiter}\n{value}\n{delimiter}\n";
    }

    /// <summary>Data: <c>%</c> as <c>%25</c>, CR as <c>%0D</c>, LF as <c>%0A</c>.</summary>
    public static string EscapeData(string text)
    {
        var escaped = new StringBuilder(text.Length + 8);
        foreach (char c in text)
        {
            escaped.Append(c switch
            {
                '%' => "%25",
                '\r' => "%0D",
                '\n' => "%0A",
                _ => null,
            } ?? c.ToString());
        }

        return escaped.ToString();
    }
}
