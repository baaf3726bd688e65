namespace ActorNas.Actors.Protocol;

// A FaDE step's training on an evaluator slot: the Mutator draws the step's region and asks the slot that waits for
// the step's child to train the region's supernet; the slot trains it between its evaluations (never beside one, so a
// GPU slot holds one model at a time) and answers with the weights. A region crosses the wire as catalogue indices;
// the slot rebuilds it in its own copy of the search space.

/// <summary>Train the supernet of the region with these candidate graphs per stage (catalogue indices, in the
/// region's order) from <paramref name="Seed"/>, for candidate <paramref name="CandidateId"/>'s step.</summary>
public sealed record WeighRegion(long CandidateId, IReadOnlyList<IReadOnlyList<int>> Candidates, long Seed) : IActorNasMessage;

/// <summary>The trained region's softmax(α_s) per stage, one weight per candidate in the region's order.</summary>
public sealed record RegionWeighed(long CandidateId, IReadOnlyList<IReadOnlyList<double>> Weights) : IActorNasMessage;

/// <summary>The slot could not train the region (no libtorch there, the training threw, the slot stopped).</summary>
public sealed record RegionWeighingFailed(long CandidateId, string Reason) : IActorNasMessage;
