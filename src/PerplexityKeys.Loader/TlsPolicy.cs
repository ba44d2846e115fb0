using System.Net;

namespace PerplexityKeys.Loader;

/// <summary>
/// On .NET Framework, HttpClient follows the process-wide <see cref="ServicePointManager.SecurityProtocol"/>, which in
/// powershell.exe may leave TLS 1.2 out. TLS 1.2 is added to what the host set, never put in its place; SystemDefault
/// (0: the operating system chooses, TLS 1.2 included) is left alone.
/// </summary>
public static class TlsPolicy
{
    /// <summary>The protocols to use: <paramref name="current"/> with TLS 1.2 added unless the system chooses.</summary>
    public static SecurityProtocolType WithTls12(SecurityProtocolType current) =>
        current == 0 ? current : current | SecurityProtocolType.Tls12;
}
