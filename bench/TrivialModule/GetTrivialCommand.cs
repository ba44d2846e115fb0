using System.Management.Automation;

namespace TrivialModule
{
    /// <summary>Writes one string: the least a binary module can do.</summary>
    [Cmdlet(VerbsCommon.Get, "Trivial")]
    public sealed class GetTrivialCommand : PSCmdlet
    {
        protected override void ProcessRecord() => WriteObject("trivial");
    }
}
