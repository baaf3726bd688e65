using System.Globalization;
using System.Text;

namespace ActorNas.Actors.Configuration;

/// <summary>
/// The one way ActorNas writes HOCON text: a value is always written as a quoted string (or a bare number or boolean),
/// so a path, a password or a connection string with HOCON's special characters in it reads back as itself.
/// </summary>
public static class Hocon
{
    /// <summary>A HOCON quoted string: quotes, backslashes and control characters escaped.</summary>
    public static string Quote(string s)
    {
        var quoted = new StringBuilder(s.Length + 2).Append('"');
        foreach (var c in s)
        {
            if (c is '"' or '\\') quoted.Append('\\').Append(c);
            else if (c < ' ') quoted.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
            else quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    /// <summary>A value as HOCON: strings quoted, booleans and enum names lower-case, numbers in the invariant culture.</summary>
    public static string Value(object value) => value switch
    {
        string s => Quote(s),
        IEnumerable<string> list => List(list),
        bool b => b ? "true" : "false",
        Enum e => e.ToString().ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Quote(value.ToString() ?? ""),
    };

    /// <summary>A list of strings as a HOCON array of quoted strings.</summary>
    public static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Select(Quote)) + "]";
}
