using ActorNas.Actors.Protocol;
using ActorNas.Core.Caching;
using Akka.Actor;
using Akka.Event;

namespace ActorNas.Actors.Caching;

/// <summary>
/// Sends the layers of one pull to another node: announces them (<see cref="TransferOpened"/>), then sends one chunk
/// of their concatenated bytes per unit of credit the receiver grants. Stops when everything is sent, when the
/// receiver aborts, or when it stays silent past the fetch timeout.
/// </summary>
internal sealed class LayerSender : ReceiveActor
{
    private readonly long _transferId;
    private readonly IReadOnlyList<LayerPayload> _layers;
    private readonly int _chunkBytes;
    private readonly IActorRef _receiver;
    private readonly long _total;
    private long _sent;
    private int _sequence;

    public static Props Props(long transferId, IReadOnlyList<LayerPayload> layers, int chunkBytes, IActorRef receiver, TimeSpan timeout) =>
        Akka.Actor.Props.Create(() => new LayerSender(transferId, layers, chunkBytes, receiver, timeout));

    public LayerSender(long transferId, IReadOnlyList<LayerPayload> layers, int chunkBytes, IActorRef receiver, TimeSpan timeout)
    {
        _transferId = transferId;
        _layers = layers;
        _chunkBytes = chunkBytes;
        _receiver = receiver;
        _total = layers.Sum(l => l.Bytes);
        Context.SetReceiveTimeout(timeout);
        Receive<ChunkDemand>(d => d.TransferId == _transferId, d =>
        {
            for (var i = 0; i < d.Chunks && _sent < _total; i++) SendChunk();
            if (_sent >= _total) Context.Stop(Self);
        });
        Receive<TransferAborted>(_ => Context.Stop(Self));
        Receive<ReceiveTimeout>(_ =>
        {
            Context.GetLogger().Warning("weight cache: transfer {0} to {1} idle; abandoned after {2} of {3} bytes", _transferId, _receiver.Path, _sent, _total);
            _receiver.Tell(new TransferAborted(_transferId, "the sender timed out waiting for demand"));
            Context.Stop(Self);
        });
    }

    protected override void PreStart()
    {
        _receiver.Tell(new TransferOpened(_transferId, _layers.Select(l => new LayerHeader(l.Layer, l.Owner, l.Bytes, l.Checksum)).ToList()), Self);
        if (_total == 0) Context.Stop(Self);
    }

    /// <summary>The next <see cref="_chunkBytes"/> bytes of the stream, which may span several layers.</summary>
    private void SendChunk()
    {
        var length = (int)Math.Min(_chunkBytes, _total - _sent);
        var chunk = new byte[length];
        var filled = 0;
        long start = 0;
        foreach (var layer in _layers)
        {
            var end = start + layer.Bytes;
            if (end > _sent + filled && filled < length)
            {
                var from = (int)(_sent + filled - start);
                var take = (int)Math.Min(layer.Bytes - from, length - filled);
                Array.Copy(layer.Data, from, chunk, filled, take);
                filled += take;
            }
            start = end;
            if (filled == length) break;
        }
        _receiver.Tell(new LayerChunk(_transferId, _sequence++, chunk), Self);
        _sent += length;
    }
}
