namespace ActorNas.Core.Evolution;

/// <summary>How a search moves through its space (<c>actornas.search.strategy</c>).</summary>
public enum SearchStrategy
{
    /// <summary>Regularized Evolution: a population of P, tournaments of S, the oldest retires.</summary>
    Rea,
    /// <summary>
    /// FaDE's memory-less loop (hierarchical space): one centre; each step trains a supernet over the region of the centre
    /// and its neighbours and moves the centre to the best-ranked neighbour. Population and sample size are 1 and the
    /// screening proxy is fade; the reader sets them, so the log records an ordinary search of those settings.
    /// </summary>
    Fade,
}
