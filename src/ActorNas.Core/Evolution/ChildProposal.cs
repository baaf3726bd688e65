
namespace ActorNas.Core.Evolution;

/// <summary>A parent's child, and what screening saw when it chose it (null without screening).</summary>
public sealed record ChildProposal(Genotype Child, Mutation Mutation, ScreenedMutants? Screened);
