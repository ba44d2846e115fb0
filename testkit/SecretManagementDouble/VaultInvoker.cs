using System;
using System.Collections;
using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>
    /// Runs extension vault functions as the real module does: in one private runspace shared by the whole
    /// process (opened with the calling cmdlet's host, so a vault can prompt through it), never in the
    /// caller's session. Errors, warnings and verbose lines are merged into the output and re-written by the
    /// calling cmdlet, so a vault's ErrorId reaches the caller under the SecretManagement cmdlet's name.
    /// </summary>
    internal static class VaultInvoker
    {
        // The real module's RunCommandScript.
        public const string RunCommandScript = @"
            param ([string] $ModuleName, [string] $ModulePath, [string] $ImplementingModuleName, [string] $Command, [hashtable] $Params)
            $verboseEnabled = $Params.AdditionalParameters.ContainsKey('Verbose') -and ($Params.AdditionalParameters['Verbose'] -eq $true)
            $module = Microsoft.PowerShell.Core\Get-Module -Name $ModuleName -ErrorAction Ignore
            if ($null -eq $module) { $module = Microsoft.PowerShell.Core\Import-Module -Name $ModulePath -PassThru }
            if ($null -eq $module) { return }
            Write-Verbose ""Invoking command $Command on module $ImplementingModuleName"" -Verbose:$verboseEnabled
            & $module ""$ImplementingModuleName\$Command"" @Params
        ";

        // The real module's RunConditionalCommandScript: 0 ran, 1 module not found, 2 the vault lacks the function.
        public const string RunConditionalCommandScript = @"
            param ([string] $ModuleName, [string] $ModulePath, [string] $ImplementingModuleName, [string] $Command, [hashtable] $Params)
            $verboseEnabled = $Params.AdditionalParameters.ContainsKey('Verbose') -and ($Params.AdditionalParameters['Verbose'] -eq $true)
            $module = Microsoft.PowerShell.Core\Get-Module -Name $ModuleName -ErrorAction Ignore
            if ($null -eq $module) { $module = Microsoft.PowerShell.Core\Import-Module -Name $ModulePath -PassThru }
            if ($null -eq $module) { return 1 }
            try {
                Write-Verbose ""Invoking command $Command on module $ImplementingModuleName"" -Verbose:$verboseEnabled
                $null = & $module ""$ImplementingModuleName\$Command"" @Params
                return 0
            }
            catch [System.Management.Automation.CommandNotFoundException] {
                return 2
            }
        ";

        private static readonly object s_lock = new object();
        private static Runspace? s_runspace;

        /// <summary>
        /// Runs the script; the vault's output objects are returned, its records re-written through the cmdlet.
        /// A script that throws comes back as <paramref name="terminatingError"/>. A vault function that stops
        /// its pipeline (how a test vault models SecretStore prompting on a closed stdin) stops the caller's
        /// pipeline too: PipelineStoppedException, with no error record, as the real module's prompt does.
        /// </summary>
        public static Collection<object> Invoke(PSCmdlet cmdlet, string script, object[] args, out Exception? terminatingError)
        {
            var output = new Collection<object>();
            terminatingError = null;
            Runspace runspace;
            try
            {
                runspace = GetRunspace(cmdlet);
            }
            catch (Exception e)
            {
                terminatingError = e;
                return output;
            }

            using (var ps = System.Management.Automation.PowerShell.Create())
            {
                ps.Runspace = runspace;
                var command = new Command(script, isScript: true, useLocalScope: true);
                command.MergeMyResults(
                    PipelineResultTypes.Error | PipelineResultTypes.Warning | PipelineResultTypes.Verbose | PipelineResultTypes.Debug | PipelineResultTypes.Information,
                    PipelineResultTypes.Output);
                ps.Commands.AddCommand(command);
                foreach (object arg in args)
                {
                    ps.Commands.AddArgument(arg);
                }

                try
                {
                    foreach (PSObject item in ps.Invoke())
                    {
                        if (item?.BaseObject is null)
                        {
                            continue;
                        }

                        switch (item.BaseObject)
                        {
                            case ErrorRecord error:
                                cmdlet.WriteError(Rewrap(error));
                                break;
                            case WarningRecord warning:
                                cmdlet.WriteWarning(warning.Message);
                                break;
                            case VerboseRecord verbose:
                                cmdlet.WriteVerbose(verbose.Message);
                                break;
                            case DebugRecord debug:
                                cmdlet.WriteDebug(debug.Message);
                                break;
                            case InformationRecord information:
                                cmdlet.WriteInformation(information);
                                break;
                            default:
                                output.Add(item.BaseObject);
                                break;
                        }
                    }
                }
                catch (Exception e)
                {
                    terminatingError = e;
                    return output;
                }

                if (ps.InvocationStateInfo.State == PSInvocationState.Stopped)
                {
                    throw new PipelineStoppedException();
                }
            }

            return output;
        }

        /// <summary>The record as the caller sees it: the vault's ErrorId, re-issued under this cmdlet's name.</summary>
        private static ErrorRecord Rewrap(ErrorRecord error)
        {
            string id = error.FullyQualifiedErrorId ?? string.Empty;
            int comma = id.IndexOf(',');
            if (comma >= 0)
            {
                id = id.Substring(0, comma);
            }

            var record = new ErrorRecord(error.Exception, id, error.CategoryInfo.Category, error.TargetObject);
            if (error.ErrorDetails is not null)
            {
                record.ErrorDetails = error.ErrorDetails;
            }

            return record;
        }

        private static Runspace GetRunspace(PSCmdlet cmdlet)
        {
            lock (s_lock)
            {
                if (s_runspace is null || s_runspace.RunspaceStateInfo.State != RunspaceState.Opened)
                {
                    s_runspace?.Dispose();
                    InitialSessionState iss = InitialSessionState.CreateDefault2();
                    iss.LanguageMode = PSLanguageMode.FullLanguage;
                    string? modulePath = typeof(VaultInvoker).Assembly.Location;
                    string manifest = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(modulePath)!, "Microsoft.PowerShell.SecretManagement.psd1");
                    if (System.IO.File.Exists(manifest))
                    {
                        iss.ImportPSModule(new[] { manifest });
                    }

                    s_runspace = RunspaceFactory.CreateRunspace(cmdlet.Host, iss);
                    s_runspace.Open();
                }

                return s_runspace;
            }
        }

        /// <summary>Parameters for a vault function: its own plus VaultName and AdditionalParameters.</summary>
        public static Hashtable Parameters(ExtensionVault vault, PSCmdlet cmdlet, Hashtable own)
        {
            var additional = new Hashtable();
            foreach (DictionaryEntry e in vault.VaultParameters)
            {
                additional[e.Key] = e.Value;
            }

            bool verbose = cmdlet.MyInvocation.BoundParameters.TryGetValue("Verbose", out object? v) && v is SwitchParameter s && s.IsPresent;
            additional["Verbose"] = verbose;
            own["VaultName"] = vault.VaultName;
            own["AdditionalParameters"] = additional;
            return own;
        }
    }
}
