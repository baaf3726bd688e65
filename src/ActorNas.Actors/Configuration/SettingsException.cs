namespace ActorNas.Actors.Configuration;

/// <summary>A setting is missing, malformed or out of range; the message names the key and the fix.</summary>
public sealed class SettingsException(string message) : Exception(message);
