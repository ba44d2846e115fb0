using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace PerplexityKeys.Core.Rotation;

/// <summary>The audit trail of a rotation: one JSON line per step, fingerprints only.</summary>
public static class RotationAudit
{
    /// <summary>The lines for one run.</summary>
    public static IEnumerable<string> Lines(RotationResult result, string? failure)
    {
        foreach (RotationStep step in result.Steps)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("time", step.StartedAt.UtcDateTime.ToString("o", CultureInfo.InvariantCulture));
                w.WriteString("vault", result.Vault);
                w.WriteString("secret", result.SecretName);
                w.WriteString("runId", result.RunId);
                w.WriteString("step", step.Name);
                w.WriteNumber("durationMs", (long)step.Duration.TotalMilliseconds);
                w.WriteString("outcome", step.Outcome);
                w.WriteString("oldFingerprint", result.OldFingerprint);
                w.WriteString("newFingerprint", result.NewFingerprint);
                w.WriteString("state", result.State.ToString());
                if (failure is not null)
                {
                    w.WriteString("failure", failure);
                }

                w.WriteEndObject();
            }

            yield return Encoding.UTF8.GetString(buffer.ToArray());
        }
    }
}
