using System.Reflection;
using Akka.Configuration;

namespace ActorNas.Actors.Configuration;

/// <summary>The embedded reference configuration and the precedence rules on top of it.</summary>
public static class ActorNasConfig
{
    private static readonly Lazy<Config> ReferenceConfig = new(() =>
    {
        using var stream = typeof(ActorNasConfig).Assembly.GetManifestResourceStream("ActorNas.Actors.actornas.conf")
            ?? throw new InvalidOperationException("ActorNas.Actors is missing its embedded actornas.conf");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>Every ActorNas key with its default (the embedded actornas.conf).</summary>
    public static Config Reference => ReferenceConfig.Value;

    /// <summary>The reference text, as shipped.</summary>
    public static string ReferenceText()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ActorNas.Actors.actornas.conf")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Parses HOCON text; a syntax error becomes a <see cref="SettingsException"/> that names the source.</summary>
    public static Config Parse(string hocon, string source)
    {
        HoconPreflight.Check(hocon, source);
        try
        {
            return ConfigurationFactory.ParseString(hocon);
        }
        catch (Exception e) when (e is not SettingsException)
        {
            throw new SettingsException($"{source} is not valid HOCON: {e.Message}");
        }
    }

    /// <summary>Reads a HOCON file, with a clear error when it is missing or malformed.</summary>
    public static string ReadFile(string path)
    {
        if (Directory.Exists(path))
            throw new SettingsException($"config file \"{path}\" is a directory; pass a HOCON file to --config (see hocon/ for examples)");
        if (!File.Exists(path))
            throw new SettingsException($"config file \"{path}\" does not exist; pass an existing HOCON file to --config (see hocon/ for examples)");
        var text = File.ReadAllText(path);
        Parse(text, $"config file \"{path}\"");
        return text;
    }

    /// <summary>Layers configs: earlier arguments win; the embedded reference is the last fallback.</summary>
    public static Config Combine(params Config?[] layers)
    {
        var result = Config.Empty;
        foreach (var layer in layers)
            if (layer is not null && !layer.IsEmpty) result = result.IsEmpty ? layer : result.WithFallback(layer);
        return result.IsEmpty ? Reference : result.WithFallback(Reference);
    }
}
