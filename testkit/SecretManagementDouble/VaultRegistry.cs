using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>
    /// The vault registry where the real module keeps it: $HOME/.secretmanagement/secretvaultregistry/vaultinfo,
    /// JSON with DefaultVaultName and Vaults. Like the real one, the path comes from HOME once per process
    /// (a static), and nothing else moves it. Read afresh on every call, so other processes' changes show.
    /// </summary>
    internal static class VaultRegistry
    {
        private static readonly Lazy<string> s_path = new Lazy<string>(() =>
        {
            string home = Environment.GetEnvironmentVariable("HOME") ?? string.Empty;
            if (string.IsNullOrEmpty(home))
            {
                throw new InvalidOperationException("Unable to find a 'HOME' path location for the current user, which is needed to store vault registry information.");
            }

            return Path.Combine(home, ".secretmanagement", "secretvaultregistry", "vaultinfo");
        });

        private static readonly object s_lock = new object();
        private static System.Management.Automation.PowerShell? s_json;

        public static string FilePath => s_path.Value;

        /// <summary>The registered vaults, sorted by name (case-insensitive), as the real module keeps them.</summary>
        public static SortedDictionary<string, ExtensionVault> Read(out string defaultVaultName)
        {
            var vaults = new SortedDictionary<string, ExtensionVault>(StringComparer.OrdinalIgnoreCase);
            defaultVaultName = string.Empty;
            string path = FilePath;
            string text;
            try
            {
                text = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
            }
            catch (IOException)
            {
                text = string.Empty;
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                return vaults;
            }

            var data = RunJson("param([string] $json) ConvertFrom-Json -InputObject $json -AsHashtable", text) as Hashtable;
            if (data is null)
            {
                return vaults;
            }

            defaultVaultName = data["DefaultVaultName"] as string ?? string.Empty;
            if (data["Vaults"] is Hashtable items)
            {
                foreach (DictionaryEntry item in items)
                {
                    if (item.Value is Hashtable v)
                    {
                        string name = (string)item.Key;
                        vaults[name] = new ExtensionVault(
                            name,
                            v["ModuleName"] as string ?? string.Empty,
                            v["ModulePath"] as string ?? string.Empty,
                            v["Description"] as string ?? string.Empty,
                            v["VaultParameters"] as Hashtable ?? new Hashtable(),
                            v["SetSecretSupportsMetadata"] is bool supports && supports,
                            string.Equals(name, defaultVaultName, StringComparison.OrdinalIgnoreCase));
                    }
                }
            }

            return vaults;
        }

        /// <summary>Writes the registry atomically (temp file, then a rename), so readers never see half a file.</summary>
        public static void Write(IEnumerable<ExtensionVault> vaults, string defaultVaultName)
        {
            var items = new Hashtable();
            foreach (ExtensionVault v in vaults)
            {
                items[v.VaultName] = new Hashtable
                {
                    ["ModuleName"] = v.ModuleName,
                    ["ModulePath"] = v.ModulePath,
                    ["Description"] = v.Description,
                    ["SetSecretSupportsMetadata"] = v.SetSecretSupportsMetadata,
                    ["VaultParameters"] = v.VaultParameters,
                };
            }

            var data = new Hashtable { ["DefaultVaultName"] = defaultVaultName, ["Vaults"] = items };
            string json = (string)RunJson("param([hashtable] $hashtable) ConvertTo-Json -InputObject $hashtable -Depth 10", data)!;
            string path = FilePath;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string tmp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
            File.WriteAllText(tmp, json);
            if (File.Exists(path))
            {
                File.Replace(tmp, path, null);
            }
            else
            {
                File.Move(tmp, path);
            }
        }

        /// <summary>Runs a small script in the registry's own runspace (the real module converts JSON the same way); its first output.</summary>
        public static object? RunJson(string script, object argument) => Run(ps => ps.AddScript(script).AddArgument(argument));

        /// <summary>Runs a script with named parameters in the registry's own runspace; its first output.</summary>
        public static object? RunScript(string script, IDictionary parameters) => Run(ps => ps.AddScript(script).AddParameters(parameters));

        private static object? Run(Action<System.Management.Automation.PowerShell> add)
        {
            lock (s_lock)
            {
                if (s_json is null || s_json.Runspace.RunspaceStateInfo.State != RunspaceState.Opened)
                {
                    s_json = System.Management.Automation.PowerShell.Create(RunspaceMode.NewRunspace);
                }

                try
                {
                    add(s_json);
                    var results = s_json.Invoke();
                    return results.Count > 0 ? results[0]?.BaseObject : null;
                }
                finally
                {
                    s_json.Commands.Clear();
                }
            }
        }
    }
}
