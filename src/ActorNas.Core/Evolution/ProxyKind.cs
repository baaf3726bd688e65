namespace ActorNas.Core.Evolution;

/// <summary>What ranks the mutants of a parent before one is evaluated.</summary>
public enum ProxyKind
{
    None,
    /// <summary>Training-free: the NB201 network's FLOPs (bigger first). NB201 only.</summary>
    Flops,
    /// <summary>Cheap: a ridge regression of the objective on one-hot genotype features, fitted to the population.</summary>
    Surrogate,
    /// <summary>Training-free: the NASWOT score of the untrained network; the host supplies the scorer (ActorNas.Torch).</summary>
    Naswot,
    /// <summary>
    /// Training-free: the condition number kappa of the neural tangent kernel of a narrow untrained copy (SpiderNet);
    /// LOWER is better, so the proxy's score is -kappa. The host supplies the scorer (ActorNas.Torch).
    /// </summary>
    Ntk,
    /// <summary>
    /// Training-free: the number of distinct ReLU on/off patterns a narrow untrained copy gives on random crops
    /// (SpiderNet's linear-region count); MORE is better. The host supplies the scorer (ActorNas.Torch).
    /// </summary>
    LinearRegions,
    /// <summary>
    /// FaDE (hierarchical space only): the parent and its mutants form a region; a supernet over the region is trained
    /// and each mutant scores the mean of its graphs' architecture weights. The mutants are scored together, not one by
    /// one; the host supplies the training (ActorNas.Torch). docs/fade.md.
    /// </summary>
    Fade,
}
