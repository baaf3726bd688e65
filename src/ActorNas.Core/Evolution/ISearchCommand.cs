namespace ActorNas.Core.Evolution;

/// <summary>
/// Something asked of a search, handed to <see cref="SearchState.Decide"/>. A command changes nothing by itself: the
/// <see cref="Decision"/> it gets says which events to persist and what the caller does next.
/// </summary>
public interface ISearchCommand;
