using ActorNas.Core.Evaluation;
using ActorNas.Core.Events;
using ActorNas.Core.Evolution;
using ActorNas.Core.Spaces;
using ActorNas.Core.Tests.TestSupport;
using Xunit;

namespace ActorNas.Core.Tests;

/// <summary>A user's own search space: registered by name, used by a search, rebuilt on replay from the name alone.</summary>
public sealed class CustomSearchSpaceTests
{
    /// <summary>Eight bits; the string form is the bits, "01101001".</summary>
    private sealed class BitsSpace(string name) : ISearchSpace
    {
        public string Name => name;
        public int Length => 8;
        public int ChoicesAt(int position) => 2;
        public string Format(Genotype genotype) => string.Concat(genotype.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        public Genotype Parse(string text) => new([.. text.Select(c => c - '0')]);
        public int TransferablePrefixLength(int changedPosition) => changedPosition;
    }

    [Fact]
    public void A_registered_space_runs_a_search_and_its_log_replays_from_the_name()
    {
        SearchSpaces.Register(new BitsSpace("bits-search"));
        var config = new SearchSettings { Space = new SearchSpaceSpec("bits-search"), PopulationSize = 6, SampleSize = 3, Budget = 40, Seed = 5 };
        var state = new SearchState();
        var log = new List<ISearchEvent>();
        void Record(IEnumerable<ISearchEvent> events)
        {
            foreach (var e in events) { state.Apply(e); log.Add(e); }
        }
        Record(state.Start(config, DateTimeOffset.UnixEpoch));
        while (!state.IsCompleted)
        {
            var a = Assert.IsType<AssignCandidate>(state.Decide(new AssignWork("w", "n", DateTimeOffset.UnixEpoch, DrawChildHere: true)));
            Record(a.Events);
            Assert.Equal(8, a.Candidate.Genotype.Length);
            Assert.All(a.Candidate.Genotype, v => Assert.InRange(v, 0, 1));
            Record(state.Complete(a.Candidate.Id, new EvaluationResult(a.Candidate.Genotype.Sum()), DateTimeOffset.UnixEpoch,
                DateTimeOffset.UnixEpoch, "w", "n"));
        }

        Assert.Equal(40, state.Evaluated);
        Assert.IsType<BitsSpace>(state.Space);
        Assert.True(SearchState.Replay(log).SameAs(state));
        // the log holds the name only; its SearchStarted round-trips through the log schema
        var started = (SearchStarted)EventSerializer.FromBytes(EventSerializer.ToBytes(log[0]), "search-started.v1");
        Assert.Equal("bits-search", started.Config.Space.Name);
        Assert.Contains("bits-search", SearchSpaceSpec.Known);
    }

    [Fact]
    public void An_unregistered_custom_space_says_how_to_register_it()
    {
        var error = Assert.Throws<ArgumentException>(() => new SearchSpaceSpec("never-registered").Create());
        Assert.Contains("unknown search space \"never-registered\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("SearchSpaces.Register", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Built_in_names_and_misnamed_spaces_are_refused()
    {
        Assert.Contains("built-in", Assert.Throws<ArgumentException>(() => SearchSpaces.Register(new BitsSpace("nb201"))).Message,
            StringComparison.Ordinal);
        SearchSpaces.Register("bits-alias", () => new BitsSpace("bits-other"));
        var error = Assert.Throws<InvalidOperationException>(() => new SearchSpaceSpec("bits-alias").Create());
        Assert.Contains("calls itself \"bits-other\"", error.Message, StringComparison.Ordinal);
    }
}
