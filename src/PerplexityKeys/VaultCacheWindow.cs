using System.Collections;
using System.Globalization;
using System.Linq;

namespace PerplexityKeys;

/// <summary>
/// How long other processes may go on reading a vault's old content after a write. SecretStore caches its whole
/// store in each process and reloads it about 5 s after a change (a consumer was seen reading the old key for 5.6 s),
/// so its window is 6 s. A vault registered with VaultParameters PplxCacheSeconds (or CacheSeconds) gets that many
/// seconds plus one; any other vault re-reads its store and gets none.
/// </summary>
internal static class VaultCacheWindow
{
    /// <summary>The window of SecretStore, Microsoft's default vault.</summary>
    public static readonly TimeSpan SecretStore = TimeSpan.FromSeconds(6);

    /// <summary>The window for <paramref name="vault"/>, read from its registration (on the pipeline thread); zero when unknown.</summary>
    public static TimeSpan Of(string vault)
    {
        using PowerShell ps = PowerShell.Create(RunspaceMode.CurrentRunspace);
        ps.AddCommand("Microsoft.PowerShell.SecretManagement\\Get-SecretVault").AddParameter("Name", vault).AddParameter("ErrorAction", "Ignore");   // a vault that is not registered: no window, and nothing in $Error
        PSObject? info;
        try
        {
            info = ps.Invoke().FirstOrDefault();
        }
        catch (RuntimeException)
        {
            return TimeSpan.Zero;
        }

        if (info?.Properties["VaultParameters"]?.Value is IDictionary parameters)
        {
            foreach (string key in new[] { "PplxCacheSeconds", "CacheSeconds" })
            {
                if (parameters.Contains(key) && double.TryParse(Convert.ToString(parameters[key], CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds >= 0)
                {
                    return seconds == 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(seconds + 1);
                }
            }
        }

        string? module = info?.Properties["ModuleName"]?.Value as string;
        return module is not null && module.IndexOf("SecretStore", StringComparison.OrdinalIgnoreCase) >= 0 ? SecretStore : TimeSpan.Zero;
    }
}
