namespace ActorNas.Analysis.Output;

/// <summary>A PNG written into the output folder: its file name, its title and the report section it belongs to (1 to 6).</summary>
public sealed record FigureFile(string FileName, string Title, int Section);
