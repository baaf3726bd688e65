using System.Text;

namespace ActorNas.Actors.Configuration;

/// <summary>
/// Settings given one at a time (command-line flags, typed host options) as <c>actornas.KEY = VALUE</c> lines; a null
/// value is left out, so the layers below it (files, recorded settings, defaults) decide.
/// </summary>
public sealed class HoconOverrides
{
    private readonly StringBuilder _text = new();

    public string Text => _text.ToString();

    public HoconOverrides Set<T>(string key, T? value)
    {
        if (value is null) return this;
        _text.Append("actornas.").Append(key).Append(" = ").Append(Hocon.Value(value)).Append('\n');
        return this;
    }
}
