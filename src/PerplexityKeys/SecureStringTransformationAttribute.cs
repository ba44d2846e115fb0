using System.Security;

namespace PerplexityKeys;

/// <summary>
/// Lets a SecureString parameter also take a PSCredential (its password is used), so a password
/// kept as a credential, or read with Get-Secret, binds directly. Plain strings are refused: a
/// password typed as text would already have leaked into history.
/// </summary>
public sealed class SecureStringTransformationAttribute : ArgumentTransformationAttribute
{
    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            PSCredential credential => credential.Password,
            SecureString secure => secure,
            string => throw new ArgumentTransformationMetadataException("Pass a SecureString or a PSCredential, not plain text: ConvertTo-SecureString, Read-Host -AsSecureString or Get-Secret give one."),
            _ => inputData,
        };
    }
}
