using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace ActorNas.Actors.Serialization;

/// <summary>
/// Takes the place of Akka's default <c>json</c> serializer (Newtonsoft with type names on the wire) in a cluster: any
/// message that is neither an ActorNas message nor one of Akka's own lands here and is refused, in both directions.
/// A peer therefore cannot make a node instantiate a type by naming it, and a type someone forgot to register fails
/// loudly instead of travelling as .NET type names.
/// </summary>
public sealed class RejectingSerializer : Serializer
{
    /// <summary>The identifier of Akka's json serializer: a message that arrives claiming it reaches this class.</summary>
    public const int JsonId = 1;

    /// <remarks>Akka creates serializers with (ExtendedActorSystem, Config); the configuration has nothing for this one.</remarks>
    public RejectingSerializer(ExtendedActorSystem system, Config config) : base(system) => _ = config;

    /// <summary>Re-registers the <c>json</c> serializer name (and its identifier) to this class.</summary>
    public static readonly Config Config = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers.json = "{{typeof(RejectingSerializer).FullName}}, {{typeof(RejectingSerializer).Assembly.GetName().Name}}"
          serialization-identifiers { "{{typeof(RejectingSerializer).FullName}}, {{typeof(RejectingSerializer).Assembly.GetName().Name}}" = {{JsonId}} }
        }
        """);

    public override int Identifier => JsonId;

    public override bool IncludeManifest => false;

    public override byte[] ToBinary(object obj) =>
        throw new System.Runtime.Serialization.SerializationException(
            $"refused to send a {obj.GetType().FullName}: only ActorNas messages and Akka's own cross the network (wire safety)");

    public override object FromBinary(byte[] bytes, Type? type) =>
        throw new System.Runtime.Serialization.SerializationException(
            $"refused a message of an unknown type ({bytes.Length} bytes, serializer {JsonId}): only ActorNas messages and Akka's own are read from the network (wire safety)");
}
