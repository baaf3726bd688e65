namespace ActorNas.Actors.Evaluators.Command;

/// <summary>The last lines a process wrote to a stream, bounded in count and length, for a failure's reason.</summary>
internal sealed class OutputTail(int lines = 10, int lineLength = 300)
{
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line.Length > lineLength ? line[..lineLength] + " ..." : line);
            while (_lines.Count > lines) _lines.Dequeue();
        }
    }

    /// <summary>"; last stderr lines: a | b" or "; no stderr output".</summary>
    public string Describe(string stream)
    {
        lock (_lines)
            return _lines.Count == 0 ? $"; no {stream} output" : $"; last {stream} lines: {string.Join(" | ", _lines)}";
    }
}
