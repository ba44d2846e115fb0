using PerplexityKeys.Core.Minting;

namespace PerplexityKeys.Commands;

// The items of New-PplxToken -ThrottleLimit: each name as it stood when its mint started, and what the mint answered.
public sealed partial class NewPplxTokenCommand
{
    /// <summary>One name piped in, as it stood when its mint started.</summary>
    private sealed class MintItem(string name, string? vault, string? secretName, string? target, ApiKey? overwritten, ApiKey authorizingKey)
    {
        public string Name => name;

        public string? Vault => vault;

        public string? SecretName => secretName;

        /// <summary>"vault/secret" when the key is stored: two items for one target never overlap.</summary>
        public string? Target => target;

        public ApiKey? Overwritten => overwritten;

        public ApiKey AuthorizingKey => authorizingKey;
    }

    /// <summary>What a mint answered: the key, and with -Vault what became of it.</summary>
    private sealed class Minting(MintedToken minted, VaultMintResult? stored)
    {
        public MintedToken Minted => minted;

        public VaultMintResult? Stored => stored;

        public static Minting Of(VaultMintResult stored) => new(stored.Minted, stored);
    }
}
