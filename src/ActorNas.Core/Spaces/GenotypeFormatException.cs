namespace ActorNas.Core.Spaces;

/// <summary>A genotype string or sequence that the space cannot read; the message says what and where.</summary>
public sealed class GenotypeFormatException(string message) : FormatException(message);
