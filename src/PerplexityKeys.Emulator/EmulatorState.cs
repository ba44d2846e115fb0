using System.Security.Cryptography;

namespace PerplexityKeys.Emulator;

/// <summary>Everything the emulator knows: keys, settings, queued faults, rate windows, a request log. Thread-safe.</summary>
public sealed class EmulatorState
{
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private const int MaxLogEntries = 20_000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, EmulatorKey> _keys = new(StringComparer.Ordinal);
    private readonly List<Fault> _faults = [];
    private readonly List<RequestLogEntry> _log = [];
    private readonly Dictionary<string, (long Window, int Count)> _keyWindows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);
    private int _inFlightAll;
    private readonly Dictionary<string, int> _peakInFlight = new(StringComparer.Ordinal);
    private (long Window, int Count) _orgWindow;
    private string? _startConfig;

    /// <summary>Creates the state and seeds the admin key (the one made in the web console).</summary>
    public EmulatorState(TimeProvider time, string? adminKey = null)
    {
        Time = time;
        AdminKey = adminKey ?? NewSecret();
        Reset();
    }

    /// <summary>The emulator's clock.</summary>
    public TimeProvider Time { get; }

    /// <summary>The seeded key, alive again after every <see cref="Reset"/>.</summary>
    public string AdminKey { get; }

    /// <summary>Live settings.</summary>
    public EmulatorConfig Config { get; private set; } = new();

    /// <summary>Fingerprint as the module shows it.</summary>
    public static string FingerprintOf(string key) =>
        key.StartsWith("pplx-", StringComparison.Ordinal) ? "pplx-…" + key[^4..] : "…" + key[^Math.Min(4, key.Length)..];

    /// <summary>Forgets every key but the admin key, every fault, limit and log line.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _keys.Clear();
            _faults.Clear();
            _log.Clear();
            _peakInFlight.Clear();
            _keyWindows.Clear();
            _orgWindow = default;
            Config = _startConfig is null ? new EmulatorConfig() : System.Text.Json.JsonSerializer.Deserialize<EmulatorConfig>(_startConfig)!;
            _keys[AdminKey] = new EmulatorKey(AdminKey, "admin (seeded)", Time.GetUtcNow());
        }
    }

    /// <summary>Makes <paramref name="config"/> the settings now and after every <see cref="Reset"/> (the command line's settings).</summary>
    public void SetStartConfig(EmulatorConfig config)
    {
        lock (_gate)
        {
            _startConfig = System.Text.Json.JsonSerializer.Serialize(config);
            Config = System.Text.Json.JsonSerializer.Deserialize<EmulatorConfig>(_startConfig)!;
        }
    }

    /// <summary>Replaces the settings.</summary>
    public void SetConfig(EmulatorConfig config)
    {
        lock (_gate)
        {
            Config = config;
        }
    }

    /// <summary>Mints a key, or returns null when <see cref="EmulatorConfig.MaxKeys"/> is reached.</summary>
    public EmulatorKey? Mint(string? name)
    {
        lock (_gate)
        {
            if (Config.MaxKeys > 0 && _keys.Values.Count(k => !k.Revoked) >= Config.MaxKeys)
            {
                return null;
            }

            var key = new EmulatorKey(NewSecret(), name, Time.GetUtcNow().AddSeconds(-Config.MintAgeSeconds));
            _keys[key.Secret] = key;
            return key;
        }
    }

    /// <summary>The key with this text (counting the request against it), or null.</summary>
    public EmulatorKey? Authenticate(string secret)
    {
        lock (_gate)
        {
            if (_keys.TryGetValue(secret, out EmulatorKey? key))
            {
                key.Requests++;
                return key;
            }

            return null;
        }
    }

    /// <summary>The key with this text, or null; does not count a request.</summary>
    public EmulatorKey? Find(string secret)
    {
        lock (_gate)
        {
            return _keys.GetValueOrDefault(secret);
        }
    }

    /// <summary>Restricts a key to <paramref name="models"/> (null lifts the restriction).</summary>
    public void Restrict(EmulatorKey key, IReadOnlyList<string>? models)
    {
        lock (_gate)
        {
            key.Models = models?.ToList();
        }
    }

    /// <summary>Revokes a key: from now on it is refused everywhere.</summary>
    public void Revoke(EmulatorKey key)
    {
        lock (_gate)
        {
            key.RevokedAt ??= Time.GetUtcNow();
        }
    }

    /// <summary>All keys, oldest first.</summary>
    public IReadOnlyList<EmulatorKey> Keys()
    {
        lock (_gate)
        {
            return _keys.Values.OrderBy(k => k.CreatedAt).ToList();
        }
    }

    /// <summary>Queues faults.</summary>
    public void AddFaults(IEnumerable<Fault> faults)
    {
        lock (_gate)
        {
            _faults.AddRange(faults.Where(f => f.Count > 0));
        }
    }

    /// <summary>The queued faults.</summary>
    public IReadOnlyList<Fault> Faults()
    {
        lock (_gate)
        {
            return _faults.ToList();
        }
    }

    /// <summary>Drops every queued fault.</summary>
    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>Takes the first queued fault that matches <paramref name="path"/>, spending one of its uses.</summary>
    public Fault? TakeFault(string path)
    {
        lock (_gate)
        {
            Fault? fault = _faults.FirstOrDefault(f => f.Matches(path));
            if (fault is not null && --fault.Count <= 0)
            {
                _faults.Remove(fault);
            }

            return fault;
        }
    }

    /// <summary>Charges a request to the organisation's bucket and the key's own, in fixed one-minute windows.</summary>
    public RateDecision Charge(EmulatorKey key)
    {
        lock (_gate)
        {
            long now = Time.GetUtcNow().ToUnixTimeSeconds();
            long window = now / 60;
            long reset = (window + 1) * 60;
            int retryAfter = (int)Math.Max(1, reset - now);
            int orgLimit = Config.OrgRequestsPerMinute;
            int keyLimit = Config.KeyRequestsPerMinute;

            int orgCount = _orgWindow.Window == window ? _orgWindow.Count : 0;
            int keyCount = _keyWindows.TryGetValue(key.Secret, out var kw) && kw.Window == window ? kw.Count : 0;
            bool orgSpent = orgLimit > 0 && orgCount >= orgLimit;
            bool keySpent = keyLimit > 0 && keyCount >= keyLimit;

            int limit = orgLimit > 0 && (keyLimit == 0 || orgLimit - orgCount <= keyLimit - keyCount) ? orgLimit : keyLimit;
            int used = limit == orgLimit && orgLimit > 0 ? orgCount : keyCount;
            if (orgSpent || keySpent)
            {
                return new RateDecision(false, limit, 0, reset, retryAfter);
            }

            _orgWindow = (window, orgCount + 1);
            _keyWindows[key.Secret] = (window, keyCount + 1);
            return new RateDecision(true, limit, Math.Max(0, limit - used - 1), reset, retryAfter);
        }
    }

    /// <summary>Records a request.</summary>
    public void Log(RequestLogEntry entry)
    {
        lock (_gate)
        {
            if (_log.Count >= MaxLogEntries)
            {
                _log.RemoveRange(0, MaxLogEntries / 2);
            }

            _log.Add(entry);
        }
    }

    /// <summary>Marks an API request to <paramref name="path"/> as being handled; dispose to unmark.</summary>
    public IDisposable BeginRequest(string path)
    {
        lock (_gate)
        {
            int now = _inFlight[path] = _inFlight.GetValueOrDefault(path) + 1;
            _peakInFlight[path] = Math.Max(now, _peakInFlight.GetValueOrDefault(path));
            _inFlightAll++;
            _peakInFlight[AllPaths] = Math.Max(_inFlightAll, _peakInFlight.GetValueOrDefault(AllPaths));
        }

        return new InFlightMark(this, path);
    }

    /// <summary>API requests being handled now (received, not yet answered), by path.</summary>
    public IReadOnlyDictionary<string, int> InFlight()
    {
        lock (_gate)
        {
            return new Dictionary<string, int>(_inFlight.Where(p => p.Value > 0));
        }
    }

    /// <summary>The key of <see cref="PeakInFlight"/> that counts the requests to every path together.</summary>
    public const string AllPaths = "*";

    /// <summary>The most API requests handled at once since the last reset, by path and for <see cref="AllPaths"/> (how concurrent a client was).</summary>
    public IReadOnlyDictionary<string, int> PeakInFlight()
    {
        lock (_gate)
        {
            return new Dictionary<string, int>(_peakInFlight);
        }
    }

    /// <summary>Starts counting the peak of requests in flight afresh (keys and log stay).</summary>
    public void ResetPeakInFlight()
    {
        lock (_gate)
        {
            _peakInFlight.Clear();
        }
    }

    /// <summary>The request log, oldest first.</summary>
    public IReadOnlyList<RequestLogEntry> RequestLog()
    {
        lock (_gate)
        {
            return _log.ToList();
        }
    }

    private void EndRequest(string path)
    {
        lock (_gate)
        {
            _inFlight[path]--;
            _inFlightAll--;
        }
    }

    private sealed class InFlightMark(EmulatorState state, string path) : IDisposable
    {
        public void Dispose() => state.EndRequest(path);
    }

    private static string NewSecret() => "pplx-" + RandomNumberGenerator.GetString(Alphabet, 48);
}
