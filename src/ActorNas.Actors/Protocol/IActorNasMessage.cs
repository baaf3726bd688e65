namespace ActorNas.Actors.Protocol;

/// <summary>
/// Marker of every ActorNas message. All of them are bound to <see cref="Serialization.ActorNasSerializer"/>,
/// which has a fixed manifest table: no type name is ever read from the wire.
/// </summary>
public interface IActorNasMessage;
