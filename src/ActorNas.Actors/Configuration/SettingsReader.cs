using System.Globalization;
using Akka.Configuration;

namespace ActorNas.Actors.Configuration;

/// <summary>Typed reads of <c>actornas.*</c> keys that fail with the key's full name and what was expected.</summary>
internal sealed class SettingsReader(Config section)
{
    private T Read<T>(string key, string expected, Func<T> read)
    {
        if (!section.HasPath(key)) throw new SettingsException($"actornas.{key} is missing; expected {expected}");
        try
        {
            return read();
        }
        catch (Exception e) when (e is not SettingsException)
        {
            throw new SettingsException($"actornas.{key} = {Raw(key)} is not {expected}");
        }
    }

    private string Raw(string key)
    {
        try { return section.GetValue(key)?.ToString() ?? "(null)"; }
        catch { return "(unreadable)"; }
    }

    public bool Has(string key) => section.HasPath(key);

    public string String(string key, bool allowEmpty = false)
    {
        var value = Read(key, "a string", () => section.GetString(key) ?? "");
        if (!allowEmpty && string.IsNullOrWhiteSpace(value)) throw new SettingsException($"actornas.{key} must not be empty");
        return value;
    }

    public int Int(string key, int min = int.MinValue) =>
        Check(key, Read(key, "an integer", () => int.Parse(section.GetString(key), NumberStyles.Integer, CultureInfo.InvariantCulture)), min, int.MaxValue);

    public long Long(string key) =>
        Read(key, "an integer", () => long.Parse(section.GetString(key), NumberStyles.Integer, CultureInfo.InvariantCulture));

    public double Double(string key, double min = double.MinValue, double max = double.MaxValue) =>
        Check(key, Read(key, "a number", () => double.Parse(section.GetString(key), NumberStyles.Float, CultureInfo.InvariantCulture)), min, max);

    public TimeSpan Duration(string key)
    {
        var value = Read(key, "a duration such as 250ms, 5s or 2m", () => section.GetTimeSpan(key, null, allowInfinite: false));
        if (value < TimeSpan.Zero) throw new SettingsException($"actornas.{key} must not be negative");
        return value;
    }

    /// <summary>A duration where 0 or "off" means "no limit".</summary>
    public TimeSpan? OptionalDuration(string key)
    {
        if (section.HasPath(key) && section.GetString(key) is "off" or "none") return null;
        var value = Duration(key);
        return value == TimeSpan.Zero ? null : value;
    }

    public bool Bool(string key)
    {
        var text = String(key).Trim().ToLowerInvariant();
        return text switch
        {
            "true" or "on" or "yes" => true,
            "false" or "off" or "no" => false,
            _ => throw new SettingsException($"actornas.{key} = {text} is not true or false"),
        };
    }

    /// <summary>An enum member by name, case and hyphens ignored (linear-regions is LinearRegions); <paramref name="nameOf"/>
    /// spells the members in the error (default: lower case).</summary>
    public T Enum<T>(string key, Func<T, string>? nameOf = null) where T : struct, System.Enum
    {
        var text = String(key);
        // names only: Enum.TryParse would also take "1" for the second member
        if (!text.All(char.IsAsciiDigit) && System.Enum.TryParse<T>(text.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var value)
            && System.Enum.IsDefined(value))
            return value;
        var names = string.Join(", ", System.Enum.GetValues<T>().Select(v => nameOf?.Invoke(v) ?? v.ToString().ToLowerInvariant()));
        throw new SettingsException($"actornas.{key} = {text} is not one of: {names}");
    }

    public IReadOnlyList<int> IntList(string key) =>
        Read(key, "a list of integers such as [16, 32]", () => section.GetStringList(key)
            .Select(s => int.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture)).ToArray());

    public IReadOnlyList<string> StringList(string key) =>
        Read(key, "a list of names such as [relu, tanh]", () => section.GetStringList(key).ToArray());

    /// <summary>True when the key holds a list (such as <c>gpus = [0, 1]</c>, against <c>gpus = auto</c>).</summary>
    public bool IsList(string key) => section.HasPath(key) && section.GetValue(key) is { } value && value.IsArray();

    /// <summary>An object of names to strings, such as <c>environment { CUDA_LAUNCH_BLOCKING = "1" }</c>; missing = empty.</summary>
    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        if (!section.HasPath(key)) return new Dictionary<string, string>();
        return Read(key, "an object of names and strings such as { OMP_NUM_THREADS = \"4\" }", () =>
            section.GetValue(key).GetObject().Items.ToDictionary(p => p.Key, p => p.Value.GetString(), StringComparer.Ordinal));
    }

    private static T Check<T>(string key, T value, T min, T max) where T : IComparable<T>
    {
        if (value.CompareTo(min) < 0 || value.CompareTo(max) > 0)
        {
            var range = max.CompareTo(min) > 0 && !IsMax(max) ? $"between {min} and {max}" : $">= {min}";
            throw new SettingsException($"actornas.{key} = {value} is out of range; it must be {range}");
        }
        return value;
    }

    private static bool IsMax<T>(T value) => value is int i && i == int.MaxValue || value is double d && d == double.MaxValue;
}
