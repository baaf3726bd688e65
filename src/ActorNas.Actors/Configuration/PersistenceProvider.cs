namespace ActorNas.Actors.Configuration;

/// <summary>Where a log lives (actornas.persistence.provider).</summary>
public enum PersistenceProvider { Sqlite, PostgreSql, InMemory }
