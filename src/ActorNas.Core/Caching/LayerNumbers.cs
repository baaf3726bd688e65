namespace ActorNas.Core.Caching;

/// <summary>
/// Small numbers for the layer names of the models a policy remembers, so that the sums it redoes on every evaluation
/// run over arrays instead of maps keyed by name. A number counts its uses and is freed when no remembered model uses
/// it any more; numbers released are handed out again only after <see cref="Recycle"/>, so a number the last estimate
/// used still names its layer until the next estimate has replaced it.
/// </summary>
internal sealed class LayerNumbers
{
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);
    private readonly List<string> _names = [];
    private readonly List<int> _uses = [];
    private readonly Stack<int> _free = new();
    private readonly List<int> _released = [];

    /// <summary>Layers with a number now (those released and not yet recycled included).</summary>
    public int Count => _numbers.Count;

    /// <summary>Layers a remembered model uses now: <see cref="Count"/> less those released and not used again.</summary>
    public int InUse => _numbers.Count - _released.Distinct().Count(number => _uses[number] == 0);

    /// <summary>The numbers of a model's layers, each counted as one more use.</summary>
    public int[] Acquire(IReadOnlyList<string> layers)
    {
        var numbers = new int[layers.Count];
        for (var i = 0; i < numbers.Length; i++)
        {
            if (!_numbers.TryGetValue(layers[i], out var number))
            {
                if (_free.TryPop(out number)) _names[number] = layers[i];
                else
                {
                    number = _names.Count;
                    _names.Add(layers[i]);
                    _uses.Add(0);
                }
                _numbers[layers[i]] = number;
            }
            _uses[number]++;
            numbers[i] = number;
        }
        return numbers;
    }

    /// <summary>One use fewer of each number (a model forgotten); a number left unused is freed at the next <see cref="Recycle"/>.</summary>
    public void Release(int[] numbers)
    {
        foreach (var number in numbers)
            if (--_uses[number] == 0) _released.Add(number);
    }

    /// <summary>Frees the numbers released since the last call and not used again since.</summary>
    public void Recycle()
    {
        foreach (var number in _released)
        {
            if (_uses[number] != 0 || !_numbers.Remove(_names[number])) continue;
            _free.Push(number);
        }
        _released.Clear();
    }

    public string NameOf(int number) => _names[number];

    public bool TryGet(string layer, out int number) => _numbers.TryGetValue(layer, out number);
}
