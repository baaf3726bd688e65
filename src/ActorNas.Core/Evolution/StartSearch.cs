namespace ActorNas.Core.Evolution;

/// <summary>Starts a search with <paramref name="Config"/> (a state that has started already is a programming error).</summary>
public sealed record StartSearch(SearchSettings Config, DateTimeOffset At) : ISearchCommand;
