using System.Collections.Concurrent;
using System.Collections.Generic;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>
    /// The double only (the real module has no such type): how many times each vault function (Get-Secret, Set-Secret,
    /// Set-SecretInfo, …) was called in this process, whoever called it. The bench counts a rotation's vault operations
    /// with it.
    /// </summary>
    public static class VaultFunctionCalls
    {
        private static readonly ConcurrentDictionary<string, int> s_counts = new ConcurrentDictionary<string, int>();

        /// <summary>The calls of each function since the last <see cref="Reset"/>.</summary>
        public static IDictionary<string, int> Counts() => new Dictionary<string, int>(s_counts);

        /// <summary>Starts counting afresh.</summary>
        public static void Reset() => s_counts.Clear();

        internal static void Count(string function) => s_counts.AddOrUpdate(function, 1, (_, n) => n + 1);
    }
}
