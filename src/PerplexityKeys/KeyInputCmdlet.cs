using System.Security;

namespace PerplexityKeys;

/// <summary>
/// A cmdlet that takes keys: PplxTokens or SecureStrings from the pipeline, or a secret (by name, or from
/// Get-SecretInfo), or an environment variable. Its four parameter sets are named here; the cmdlet's attribute names the default.
/// </summary>
public abstract class KeyInputCmdlet : PplxCmdlet
{
    /// <summary>The parameter set of keys given as PplxToken objects.</summary>
    protected const string TokenSet = "Token";

    /// <summary>The parameter set of keys given as SecureStrings.</summary>
    protected const string KeySet = "Key";

    /// <summary>The parameter set of a key kept in a secret.</summary>
    protected const string VaultSet = "Vault";

    /// <summary>The parameter set of a key in an environment variable.</summary>
    protected const string EnvironmentSet = "Environment";

    /// <summary>
    /// <para type="description">Keys as PplxToken objects (from New-PplxToken); each remembers its base URI.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = TokenSet)]
    public PplxToken[]? InputObject { get; set; }

    /// <summary>
    /// <para type="description">Keys as SecureStrings.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = KeySet)]
    public SecureString[]? Key { get; set; }

    /// <summary>
    /// <para type="description">A secret holding a key (string, SecureString or PSCredential). Binds Name from Get-SecretInfo output.</para>
    /// </summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = VaultSet)]
    [Alias("Name")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(SecretNameCompleter))]
    public string? SecretName { get; set; }

    /// <summary>
    /// <para type="description">The vault of -SecretName. Binds VaultName from Get-SecretInfo output. Default: SecretManagement's search.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = VaultSet)]
    [Alias("VaultName")]
    [ArgumentCompleter(typeof(VaultNameCompleter))]
    public string? Vault { get; set; }

    /// <summary>
    /// <para type="description">The name of an environment variable holding a key (a pipeline's secret variable mapped into the step's environment, say). The command reads it itself, so the key never passes through PowerShell as text. A variable that is not set, is empty, or holds a pipeline macro left unexpanded ($(NAME)) is an error (EnvironmentVariableNotSet); so is the key itself given for the name (EnvironmentVariableNameInvalid): pass PPLX_KEY, not $env:PPLX_KEY.</para>
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = EnvironmentSet)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EnvironmentVariableCompleter))]
    public string? EnvironmentVariable { get; set; }

    /// <summary>
    /// <para type="description">Bound from the objects piped in (their provider path), not meant to be typed: an environment variable's item (Get-ChildItem env:) binds its Name as -SecretName too, and is refused (EnvironmentVariableNameInvalid), so no secret that merely shares the variable's name is read, revoked or removed. Pass the name to -EnvironmentVariable instead.</para>
    /// </summary>
    [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = VaultSet)]
    public object? PSPath { get; set; }

    /// <summary>The secret named, unless the name came with an environment variable's item (refused by <see cref="KeysGiven"/>).</summary>
    protected string? SecretNameGiven => PipedEnvironmentItem ? null : SecretName;

    // By the item's provider path, which survives Export-Clixml and remoting (its ProviderInfo does not).
    private bool PipedEnvironmentItem => SecretName is not null && EnvironmentKey.IsEnvironmentPath(PSPath);

    /// <summary>-PSPath typed (or set by $PSDefaultParameterValues) would keep the pipeline's value from binding, and with it
    /// the check above: refused before anything is done.</summary>
    private protected override void BeforeBegin()
    {
        if (MyInvocation.BoundParameters.ContainsKey(nameof(PSPath)))
        {
            Fail(new PplxConfigurationException("-PSPath binds only from the objects piped in; nothing was done.", "PSPath"), null);
        }
    }

    /// <summary>The keys of this ProcessRecord call, each with the token it came in (KeyInputs).</summary>
    protected IEnumerable<(ApiKey Key, PplxToken? Token)> KeysGiven()
    {
        if (PipedEnvironmentItem)
        {
            WriteItemError(EnvironmentKey.PipedItem(SecretName!), EnvironmentKey.Shown(SecretName!));
            return [];
        }

        return KeyInputs.Of(this, InputObject, Key, SecretName, Vault, VaultPassword, EnvironmentVariable);
    }
}
