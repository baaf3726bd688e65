namespace ActorNas.Core.Caching;

/// <summary>
/// The <b>expected</b> part of <see cref="DonorPopularityPolicy"/>: the population's models, the dead parents of living
/// ones, and every layer's expected requests from them before they age out, redone on each evaluation heard (the
/// policy's remarks give the formula). It depends only on the evaluations heard, so policies that hear the same ones in
/// the same order can share one: the cache study replays one search at four capacities and estimates once per
/// evaluation instead of four times.
/// </summary>
public sealed class DonorForecast
{
    private readonly int _populationSize;
    private readonly int _sampleSize;
    private readonly Queue<long> _population = new();                   // the last P evaluated models heard of, oldest first
    private readonly Dictionary<long, Lineage> _lineage = [];            // the population and the dead parents of living models
    private readonly LayerNumbers _numbers = new();                       // the remembered models' layers, numbered
    private LayerSums _expected = new();                                  // layer number -> expected requests from the population
    private LayerSums _replaced = new();                                  // the estimate before the last one (its policies rescore from it)
    private readonly List<(long Id, Lineage Model)> _ranked = [];
    private long _births;

    /// <param name="population">P of the search (models alive at once).</param>
    /// <param name="sample">S of the search (models drawn per tournament).</param>
    public DonorForecast(int population = DonorPopularityPolicy.DefaultPopulation, int sample = DonorPopularityPolicy.DefaultSample)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(population, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(sample, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(sample, population);
        _populationSize = population;
        _sampleSize = sample;
    }

    public int PopulationSize => _populationSize;

    public int SampleSize => _sampleSize;

    /// <summary>Evaluations heard so far (each model once): the estimate's version.</summary>
    internal long Heard => _births;

    /// <summary>The model of the last evaluation heard.</summary>
    internal long LastHeardId { get; private set; }

    /// <summary>The estimate as of the last evaluation heard.</summary>
    internal LayerSums Expected => _expected;

    /// <summary>The estimate it replaced: its numbers still name their layers until the next evaluation is heard.</summary>
    internal LayerSums Replaced => _replaced;

    /// <summary>Models whose lineage is remembered: the population and the dead parents of its living models.</summary>
    internal int RememberedModels => _lineage.Count;

    /// <summary>Layers of the remembered models (numbered for the estimate): bounded with them.</summary>
    internal int NumberedLayers => _numbers.InUse;

    internal string NameOf(int number) => _numbers.NameOf(number);

    /// <summary>The requests the population is expected to make for a layer before it ages out.</summary>
    public double ExpectedRequestsOf(string layer) => _numbers.TryGet(layer, out var number) ? _expected[number] : 0;

    /// <summary>Adds the model to the population (the oldest ages out) and redoes the estimate; false when it was heard already.</summary>
    internal bool Hear(EvaluatedModel model)
    {
        if (_lineage.ContainsKey(model.Id)) return false;   // heard of already (offered twice)
        // the numbers released by the last evaluation named layers of the estimate it replaced, which the policies sharing
        // this forecast have all rescored from by now: they are free from here on
        _numbers.Recycle();
        var born = new Lineage(model.Objective, model.ParentId, _numbers.Acquire(model.Layers), ++_births);
        LastHeardId = model.Id;
        _lineage[model.Id] = born;
        if (model.ParentId is { } parent && _lineage.TryGetValue(parent, out var p)) p.Children.Add(model.Id);
        _population.Enqueue(model.Id);
        while (_population.Count > _populationSize)
        {
            var old = _population.Dequeue();
            var retired = _lineage[old];
            retired.Alive = false;
            Prune(old);
            if (retired.ParentId is { } parentOfOld) Prune(parentOfOld);   // it may have been the parent's last living child
        }
        Reestimate();
        return true;
    }

    // a dead model is remembered while one of its children lives: one mutation turns that child back into it
    private void Prune(long id)
    {
        if (!_lineage.TryGetValue(id, out var model) || model.Alive) return;
        foreach (var child in model.Children)
            if (_lineage.TryGetValue(child, out var c) && c.Alive) return;
        _lineage.Remove(id);
        _numbers.Release(model.Layers);
        if (model.ParentId is { } parent && _lineage.TryGetValue(parent, out var p))
        {
            p.Children.Remove(id);
            Prune(parent);
        }
    }

    /// <summary>Every layer's expected requests from the population as it is now.</summary>
    private void Reestimate()
    {
        // two sums swapped on each call, and one list sorted in place: no allocation per evaluation once warm
        var next = _replaced;
        next.Clear();

        _ranked.Clear();
        foreach (var id in _population) _ranked.Add((id, _lineage[id]));
        _ranked.Sort(BestFirst);
        var n = _ranked.Count;
        var k = Math.Min(_sampleSize, n);
        var win = (double)k / n;   // rank 1 wins whenever it is drawn
        for (var r = 1; r <= n - k + 1; r++)
        {
            if (r > 1) win *= (double)(n - r - k + 2) / (n - r + 1);   // C(n-r, k-1) / C(n-r+1, k-1)
            var donor = _ranked[r - 1].Model;
            var choices = win * Math.Max(1, _populationSize - (_births - donor.Born));
            var length = donor.Layers.Length;
            for (var i = 0; i < length - 1; i++) next.Add(donor.Layers[i], choices * (length - 1 - i) / length);
            var neighbour = choices * DonorPopularityPolicy.NeighbourShare;
            if (donor.ParentId is { } parent && _lineage.TryGetValue(parent, out var p)) AddFrom(p.Layers, FirstDifference(p.Layers, donor.Layers), neighbour);
            foreach (var child in donor.Children)
                if (_lineage.TryGetValue(child, out var c)) AddFrom(c.Layers, FirstDifference(c.Layers, donor.Layers), neighbour);
        }
        _replaced = _expected;
        _expected = next;

        void AddFrom(int[] layers, int from, double requests)
        {
            for (var i = from; i < layers.Length; i++) next.Add(layers[i], requests);
        }
    }

    // best first; equal objectives: the younger first (a fixed order, so the sums are the same live and offline)
    private static int BestFirst((long Id, Lineage Model) x, (long Id, Lineage Model) y) =>
        x.Model.Objective != y.Model.Objective ? y.Model.Objective.CompareTo(x.Model.Objective) : y.Id.CompareTo(x.Id);

    private static int FirstDifference(int[] a, int[] b)
    {
        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
            if (a[i] != b[i]) return i;
        return n;
    }

    /// <param name="layers">The model's layers by their numbers (<see cref="LayerNumbers"/>).</param>
    private sealed class Lineage(double objective, long? parentId, int[] layers, long born)
    {
        public double Objective { get; } = objective;
        public long? ParentId { get; } = parentId;
        public int[] Layers { get; } = layers;
        public long Born { get; } = born;
        public bool Alive { get; set; } = true;
        public List<long> Children { get; } = [];
    }
}
