namespace ActorNas.Actors.Configuration;

/// <summary>
/// Checks the structure of HOCON text before Akka's parser sees it, and names the line of the first problem. That
/// parser accepts a great deal silently: an unclosed object (it then reads later keys under the wrong path), a key
/// with no '=' (`budget 40` becomes an empty object and the default budget runs), `budget = = 5`, two settings on
/// one line; and it loops forever on "[ }". What HOCON allows and ActorNas's files use passes: objects with or without
/// '=', ':' and '+=', arrays, quoted keys and strings (also triple-quoted), substitutions, includes, comments, commas.
/// </summary>
internal sealed class HoconPreflight
{
    private readonly string _text;
    private readonly string _source;
    private int _at;
    private int _line = 1;

    private HoconPreflight(string text, string source)
    {
        _text = text;
        _source = source;
    }

    public static void Check(string text, string source) => new HoconPreflight(text, source).Document();

    private char Peek(int ahead = 0) => _at + ahead < _text.Length ? _text[_at + ahead] : '\0';
    private bool AtEnd => _at >= _text.Length;
    private bool AtComment => Peek() == '#' || (Peek() == '/' && Peek(1) == '/');

    private void Document()
    {
        SkipSeparators();
        if (Peek() == '{')
        {
            var line = _line;
            _at++;
            ObjectBody('{', line);
            SkipSeparators();
            if (!AtEnd) throw Error(CloseOrStray(Peek()));
        }
        else ObjectBody(null, 0);
    }

    /// <summary>Fields until the closing brace (or the end of the text for the root).</summary>
    private void ObjectBody(char? opener, int openedAt)
    {
        while (true)
        {
            SkipSeparators();
            if (AtEnd)
            {
                if (opener is { } o) throw new SettingsException($"{_source}: the '{o}' opened on line {openedAt} is never closed");
                return;
            }
            var c = Peek();
            if (c == '}' && opener == '{')
            {
                _at++;
                return;
            }
            if (c is '}' or ']') throw Error(opener is null ? $"'{c}' closes nothing" : $"'{c}' does not match the '{opener}' opened on line {openedAt}");
            Field();
        }
    }

    private void Field()
    {
        var line = _line;
        var lineStart = _text.LastIndexOf('\n', Math.Max(_at - 1, 0)) + 1;
        if (Include()) return;
        var key = Key();
        if (key.Length == 0) throw Error($"'{Peek()}' where a key should start{Shown(lineStart)}");
        SkipInlineSpace();
        var c = Peek();
        if (c == '{')
        {
            ValueTail(key, line);
            return;
        }
        if (c is '=' or ':') _at++;
        else if (c == '+' && Peek(1) == '=') _at += 2;
        else if (AtEnd || c is '\n' or '\r' or ',' or '}' || AtComment)
            throw Error($"`{key}` has no value; write {key} = VALUE", line);
        else
        {
            var rest = RestOfLine();
            throw Error($"`{key} {rest}` has no '=' between the key and its value; write {key} = {rest}", line);
        }
        SkipInlineSpace();
        if (AtEnd || Peek() is '\n' or '\r' or ',' or '}' or ']' || AtComment)
            throw Error($"`{key}` has '{c}' but no value after it", line);
        if (Peek() is '=' or ':') throw Error($"the value of `{key}` starts with '{Peek()}'{Shown(lineStart)}", line);
        ValueTail(key, line);
    }

    /// <summary>A value, and what is joined to it on the same line (HOCON concatenates `a b` and `{...} {...}`).</summary>
    private void ValueTail(string key, int line)
    {
        while (true)
        {
            Element(key, line);
            SkipInlineSpace();
            if (AtEnd || Peek() is '\n' or '\r' or ',' or '}' or ']' || AtComment) return;
            if (Peek() is '=' or ':')
                throw Error($"'{Peek()}' inside the value of `{key}`: quote a value that holds '=' or ':' (such as \"cuda:1\"), and put one setting on each line (or separate them with commas)", line);
        }
    }

    private void Element(string key, int line)
    {
        var c = Peek();
        if (c == '{')
        {
            var openedAt = _line;
            _at++;
            ObjectBody('{', openedAt);
        }
        else if (c == '[')
        {
            var openedAt = _line;
            _at++;
            ArrayBody(openedAt);
        }
        else if (c == '"') QuotedString();
        else if (c == '$' && Peek(1) == '{') Substitution();
        else
        {
            var start = _at;
            while (!AtEnd && Peek() is not ('\n' or '\r' or ',' or '}' or ']' or '{' or '[' or '"' or '=' or ':') && !AtComment
                   && !(Peek() == '$' && Peek(1) == '{')) _at++;
            if (_at == start) throw Error($"'{Peek()}' where the value of `{key}` should be", line);
        }
    }

    private void ArrayBody(int openedAt)
    {
        while (true)
        {
            SkipSeparators();
            if (AtEnd) throw new SettingsException($"{_source}: the '[' opened on line {openedAt} is never closed");
            var c = Peek();
            if (c == ']')
            {
                _at++;
                return;
            }
            if (c == '}') throw Error($"'}}' does not match the '[' opened on line {openedAt}");
            ValueTail("the array", _line);
        }
    }

    /// <summary>A path of unquoted and quoted parts (`a.b."c.d"`); empty when none starts here.</summary>
    private string Key()
    {
        var start = _at;
        while (!AtEnd)
        {
            var c = Peek();
            if (c == '"') QuotedString();
            else if (char.IsWhiteSpace(c) || AtComment || c is '=' or ':' or '{' or '}' or '[' or ']' or ',' or '+' or '$' or '#') break;
            else _at++;
        }
        return _text[start.._at];
    }

    /// <summary>`include "file"` or `include required(...)`: left to Akka's parser.</summary>
    private bool Include()
    {
        if (string.CompareOrdinal(_text, _at, "include", 0, 7) != 0 || Peek(7) is not (' ' or '\t')) return false;
        _at += 7;
        SkipInlineSpace();
        if (Peek() == '"') QuotedString();
        else while (!AtEnd && Peek() is not ('\n' or '\r')) _at++;
        return true;
    }

    private void QuotedString()
    {
        var line = _line;
        if (string.CompareOrdinal(_text, _at, "\"\"\"", 0, 3) == 0)
        {
            var end = _text.IndexOf("\"\"\"", _at + 3, StringComparison.Ordinal);
            if (end < 0) throw Error("a \"\"\" string is never closed", line);
            _line += _text.AsSpan(_at, end - _at).Count('\n');
            _at = end + 3;
            while (Peek() == '"') _at++;   // a triple-quoted string may end in quotes
            return;
        }
        for (_at++; !AtEnd; _at++)
        {
            if (Peek() == '\\') { _at++; continue; }
            if (Peek() == '"') { _at++; return; }
            if (Peek() == '\n') break;
        }
        throw Error("a quoted string is never closed", line);
    }

    private void Substitution()
    {
        var line = _line;
        var end = _text.IndexOfAny(['}', '\n'], _at);
        if (end < 0 || _text[end] != '}') throw Error("a ${...} substitution is never closed", line);
        _at = end + 1;
    }

    /// <summary>Whitespace, newlines, commas and comments between fields or array elements.</summary>
    private void SkipSeparators()
    {
        while (!AtEnd)
        {
            var c = Peek();
            if (c == '\n') { _line++; _at++; }
            else if (char.IsWhiteSpace(c) || c == ',') _at++;
            else if (AtComment) while (!AtEnd && Peek() != '\n') _at++;
            else return;
        }
    }

    private void SkipInlineSpace()
    {
        while (!AtEnd && Peek() is not ('\n' or '\r') && char.IsWhiteSpace(Peek())) _at++;
    }

    private string RestOfLine()
    {
        var end = _text.IndexOf('\n', _at);
        return _text[_at..(end < 0 ? _text.Length : end)].Trim();
    }

    private string Shown(int lineStart)
    {
        var end = _text.IndexOf('\n', lineStart);
        return $" (`{_text[lineStart..(end < 0 ? _text.Length : end)].Trim()}`)";
    }

    private static string CloseOrStray(char c) => c is '}' or ']' ? $"'{c}' closes nothing" : $"'{c}' after the end of the configuration";

    private SettingsException Error(string what, int? line = null) => new($"{_source}, line {line ?? _line}: {what}");
}
