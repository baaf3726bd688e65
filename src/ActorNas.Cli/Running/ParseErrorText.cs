using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace ActorNas.Cli.Running;

/// <summary>
/// A command-line parse error in words a user reads: a value of the wrong kind names the flag, the value and what it
/// takes ("--budget: 'abc' is not a whole number"), never a .NET type name.
/// </summary>
internal static class ParseErrorText
{
    public static string Describe(ParseError error)
    {
        if (error.SymbolResult is not OptionResult { Option: var option } result) return error.Message;
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        var wanted = Kind(type);
        if (wanted is null) return error.Message;
        var bad = result.Tokens.Select(t => t.Value).FirstOrDefault(v => !Parses(type, v));
        return bad is null ? error.Message : $"{option.Name}: '{bad}' is not {wanted}";
    }

    private static string? Kind(Type type) =>
        type == typeof(int) || type == typeof(long) ? "a whole number"
        : type == typeof(double) ? "a number (such as 0.5)"
        : type == typeof(bool) ? "true or false"
        : null;

    private static bool Parses(Type type, string value) =>
        type == typeof(int) ? int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        : type == typeof(long) ? long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _)
        : type == typeof(double) ? double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
        : type == typeof(bool) ? bool.TryParse(value, out _)
        : true;
}
