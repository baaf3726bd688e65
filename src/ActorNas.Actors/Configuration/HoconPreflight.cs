namespace ActorNas.Actors.Configuration;

/// <summary>
/// Checks that braces and brackets in HOCON text pair up before Akka's parser sees it: that parser silently accepts
/// an unclosed object (and then reads later keys under the wrong path), and loops forever on "[ }".
/// </summary>
internal static class HoconPreflight
{
    public static void Check(string text, string source)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    while (i + 1 < text.Length && text[i + 1] != '\n') i++;
                    break;
                case '"':
                    i = SkipString(text, i, ref line, source);
                    break;
                case '{' or '[':
                    open.Push((c, line));
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0)
                        throw new SettingsException($"{source}, line {line}: '{c}' closes nothing");
                    var (bracket, openedAt) = open.Pop();
                    if (bracket != expected)
                        throw new SettingsException($"{source}, line {line}: '{c}' does not match the '{bracket}' opened on line {openedAt}");
                    break;
            }
        }
        if (open.Count > 0)
        {
            var (bracket, openedAt) = open.Peek();
            throw new SettingsException($"{source}: the '{bracket}' opened on line {openedAt} is never closed");
        }
    }

    private static int SkipString(string text, int start, ref int line, string source)
    {
        if (string.CompareOrdinal(text, start, "\"\"\"", 0, 3) == 0)
        {
            var end = text.IndexOf("\"\"\"", start + 3, StringComparison.Ordinal);
            if (end < 0) throw new SettingsException($"{source}, line {line}: a \"\"\" string is never closed");
            line += text.AsSpan(start, end - start).Count('\n');
            return end + 2;
        }
        for (var i = start + 1; i < text.Length; i++)
        {
            if (text[i] == '\\') { i++; continue; }
            if (text[i] == '"') return i;
            if (text[i] == '\n') break;
        }
        throw new SettingsException($"{source}, line {line}: a quoted string is never closed");
    }
}
