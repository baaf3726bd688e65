namespace ActorNas.Core.Caching;

/// <summary>Sums per layer number, with the numbers added to since the last <see cref="Clear"/>.</summary>
internal sealed class LayerSums
{
    private double[] _values = [];
    private bool[] _added = [];
    private readonly List<int> _numbers = [];

    /// <summary>The numbers added to, in the order of their first addition.</summary>
    public IReadOnlyList<int> Numbers => _numbers;

    public double this[int number] => number < _values.Length ? _values[number] : 0;

    public bool Contains(int number) => number < _added.Length && _added[number];

    public void Add(int number, double amount)
    {
        if (number >= _values.Length)
        {
            var length = Math.Max(number + 1, _values.Length * 2);
            Array.Resize(ref _values, length);
            Array.Resize(ref _added, length);
        }
        if (!_added[number])
        {
            _added[number] = true;
            _numbers.Add(number);
        }
        _values[number] += amount;
    }

    public void Clear()
    {
        foreach (var number in _numbers)
        {
            _values[number] = 0;
            _added[number] = false;
        }
        _numbers.Clear();
    }
}
