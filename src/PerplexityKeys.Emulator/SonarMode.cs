namespace PerplexityKeys.Emulator;

/// <summary>How the emulator answers the Sonar chat paths (<c>POST /chat/completions</c>, <c>GET /async/chat/completions</c>).</summary>
public enum SonarMode
{
    /// <summary>As the live API does since 2026-09-27: 403 <c>chat_completions_not_available</c> to every key, valid or not (the default).</summary>
    Retired,

    /// <summary>The old answers, for rehearsing scripts written before the retirement.</summary>
    Live,
}
