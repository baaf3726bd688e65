using ActorNas.Actors.Configuration;
using ActorNas.Tests.Shared;
using Akka.Configuration.Hocon;
using Xunit;

namespace ActorNas.Actors.Tests;

/// <summary>docs/configuration.md lists every key of the embedded defaults, with its default value.</summary>
public sealed class ConfigurationReferenceTests
{
    [Fact]
    public void Every_key_of_the_embedded_defaults_is_documented_with_its_default()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot.Path(), "docs", "configuration.md"));
        var keys = Leaves(ActorNasConfig.Reference.Root, "").Where(k => k.Key.StartsWith("actornas.", StringComparison.Ordinal)).ToList();
        Assert.True(keys.Count > 40, $"only {keys.Count} keys found in the embedded defaults");
        var missing = keys.Where(k => !doc.Contains($"| `{k.Key}` |", StringComparison.Ordinal)).Select(k => k.Key).ToList();
        Assert.True(missing.Count == 0, "not in docs/configuration.md: " + string.Join(", ", missing));
        var wrongDefault = keys.Where(k => !doc.Contains($"| `{k.Key}` | `{k.Value}` |", StringComparison.Ordinal)
                                          && !doc.Contains($"| `{k.Key}` | `\"{k.Value}\"` |", StringComparison.Ordinal))
            .Select(k => $"{k.Key} = {k.Value}").ToList();
        Assert.True(wrongDefault.Count == 0, "default differs in docs/configuration.md: " + string.Join(", ", wrongDefault));
    }

    private static IEnumerable<KeyValuePair<string, string>> Leaves(HoconValue value, string path)
    {
        if (value.IsObject())
        {
            foreach (var (name, child) in value.GetObject().Items)
                foreach (var leaf in Leaves(child, path.Length == 0 ? name : $"{path}.{name}")) yield return leaf;
        }
        else if (value.IsArray())
            yield return new(path, "[" + string.Join(", ", value.GetArray().Select(v => v.GetString())) + "]");
        else
            yield return new(path, value.GetString());
    }
}
