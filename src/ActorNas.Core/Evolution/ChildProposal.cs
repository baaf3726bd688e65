
namespace ActorNas.Core.Evolution;

/// <summary>A parent's child, its one mutation (null for a SpiderNet growth: the child's genotype holds its splits), and
/// what screening saw when it chose it (null without screening).</summary>
public sealed record ChildProposal(Genotype Child, Mutation? Mutation, ScreenedMutants? Screened);
