using System.Management.Automation;
using PerplexityKeys.Core.Vault;
using Xunit;

namespace PerplexityKeys.Tests
{

    public sealed class SecretManagementErrorsTests
    {
        [Fact]
        public void NotFound_IsNoError()
        {
            SecretManagementErrors.Throw(Record(new ItemNotFoundException("nope"), "GetSecretNotFound,Microsoft.PowerShell.SecretManagement.GetSecretCommand"), "V", "V", "s");
        }

        [Fact]
        public void APasswordRequiredExceptionAnywhereInTheChain_IsVaultLocked()
        {
            var locked = new Microsoft.PowerShell.SecretManagement.PasswordRequiredException("A valid password is required.");
            ErrorRecord record = Record(new RuntimeException("wrapped", locked), "SomeVaultError,Microsoft.PowerShell.SecretManagement.GetSecretCommand");

            var error = Assert.Throws<PplxVaultLockedException>(() => SecretManagementErrors.Throw(record, "V", "V", "s"));
            Assert.Equal("V", error.Vault);
        }

        [Theory]
        [InlineData("GetSecretVaultNotFound,Microsoft.PowerShell.SecretManagement.GetSecretCommand", typeof(PplxVaultNotFoundException))]
        [InlineData("SetSecretCommandFailNoVault,Microsoft.PowerShell.SecretManagement.SetSecretCommand", typeof(PplxVaultOperationException))]
        [InlineData("SomethingElse,Microsoft.PowerShell.SecretManagement.SetSecretCommand", typeof(PplxVaultOperationException))]
        public void TheErrorIdBeforeTheComma_DecidesTheException(string fullyQualifiedErrorId, Type expected)
        {
            var error = Assert.ThrowsAny<PplxVaultException>(() => SecretManagementErrors.Throw(Record(new InvalidOperationException("failed"), fullyQualifiedErrorId), "V", "V", "s"));

            Assert.IsType(expected, error);
        }

        [Fact]
        public void AVaultsOwnReason_IsKept_Escaped_AndKeyTextRedacted()
        {
            var inner = new InvalidOperationException("disk full\u001b[31m for pplx-" + new string('a', 48));
            ErrorRecord record = Record(new RuntimeException("Unable to add secret s to vault V", inner), "AddSecretFailed,Microsoft.PowerShell.SecretManagement.SetSecretCommand");

            var error = Assert.Throws<PplxVaultOperationException>(() => SecretManagementErrors.Throw(record, "V", "V", "s"));

            Assert.Contains("disk full", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("\u001b", error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(new string('a', 48), error.Message, StringComparison.Ordinal);
        }

        private static ErrorRecord Record(Exception exception, string fullyQualifiedErrorId) =>
            new(exception, fullyQualifiedErrorId, ErrorCategory.NotSpecified, null);
    }
}

namespace Microsoft.PowerShell.SecretManagement
{
    /// <summary>Stands for SecretManagement's own type: the mapping knows it by its full name only.</summary>
    public sealed class PasswordRequiredException(string message) : Exception(message);
}
