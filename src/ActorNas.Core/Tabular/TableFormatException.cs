namespace ActorNas.Core.Tabular;

/// <summary>A benchmark table that cannot be used: the message names the file, the line and what to do.</summary>
public sealed class TableFormatException(string message) : Exception(message);
