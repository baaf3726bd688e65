using System.Globalization;
using System.Text;
using ActorNas.Core.Evolution;

namespace ActorNas.Torch.Models;

/// <summary>
/// Merkle-style identities: a 16-hex-digit hash of a unit's kind, its configuration and the identities of what it
/// reads from (in order). Deterministic across processes and platforms: the hash is computed from an unambiguous,
/// length-prefixed encoding with SplitMix64's finalizer, never from <see cref="string.GetHashCode()"/>.
/// Integers hash the same whether given as int or long; a string "5" hashes differently from the integer 5.
/// </summary>
public static class LayerIdentity
{
    private const ulong Seed = 0x41634E61735F4964UL; // "AcNas_Id"
    private const ulong TagKind = 1, TagLong = 2, TagString = 3, TagInputs = 4;

    public static string Of(string kind, IEnumerable<long> config, params string[] inputs)
    {
        ArgumentNullException.ThrowIfNull(config);
        var h = Begin(kind);
        var count = 0L;
        foreach (var value in config)
        {
            h = AddLong(h, value);
            count++;
        }
        return Finish(h, count, inputs);
    }

    public static string Of(string kind, IEnumerable<int> config, params string[] inputs)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Of(kind, config.Select(v => (long)v), inputs);
    }

    public static string Of(string kind, IEnumerable<string> config, params string[] inputs)
    {
        ArgumentNullException.ThrowIfNull(config);
        var h = Begin(kind);
        var count = 0L;
        foreach (var value in config)
        {
            h = AddString(h, TagString, value);
            count++;
        }
        return Finish(h, count, inputs);
    }

    /// <summary>A configuration mixing integers (int, long) and strings.</summary>
    public static string Of(string kind, IEnumerable<object> config, params string[] inputs)
    {
        ArgumentNullException.ThrowIfNull(config);
        var h = Begin(kind);
        var count = 0L;
        foreach (var value in config)
        {
            h = value switch
            {
                int i => AddLong(h, i),
                long l => AddLong(h, l),
                string s => AddString(h, TagString, s),
                _ => throw new ArgumentException(
                    $"identity configuration items must be int, long or string, got {value?.GetType().Name ?? "null"}", nameof(config)),
            };
            count++;
        }
        return Finish(h, count, inputs);
    }

    /// <summary>A unit without configuration.</summary>
    public static string Of(string kind, params string[] inputs) => Of(kind, Array.Empty<long>(), inputs);

    private static ulong Begin(string kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return AddString(Seed, TagKind, kind);
    }

    private static string Finish(ulong h, long configCount, string[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        h = Step(h, (ulong)configCount);
        h = Step(h, TagInputs);
        h = Step(h, (ulong)inputs.Length);
        foreach (var input in inputs)
        {
            ArgumentNullException.ThrowIfNull(input, nameof(inputs));
            h = AddString(h, TagString, input);
        }
        return DeterministicRandom.Mix(h ^ 0xD6E8FEB86659FD93UL).ToString("x16", CultureInfo.InvariantCulture);
    }

    private static ulong AddLong(ulong h, long value) => Step(Step(h, TagLong), (ulong)value);

    private static ulong AddString(ulong h, ulong tag, string value)
    {
        h = Step(h, tag);
        var bytes = Encoding.UTF8.GetBytes(value);
        h = Step(h, (ulong)bytes.Length);
        for (var i = 0; i < bytes.Length; i += 8)
        {
            ulong word = 0;
            for (var b = 0; b < 8 && i + b < bytes.Length; b++) word |= (ulong)bytes[i + b] << (8 * b);
            h = Step(h, word);
        }
        return h;
    }

    // Each step is a bijection of the state for a fixed word, and of the word for a fixed state.
    private static ulong Step(ulong h, ulong word) =>
        DeterministicRandom.Mix(h ^ DeterministicRandom.Mix(word + 0x9E3779B97F4A7C15UL)) + 0x632BE59BD9B4E019UL;
}
