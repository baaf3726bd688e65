using ActorNas.Actors.Configuration;
using ActorNas.Actors.Protocol;
using ActorNas.Core.Caching;
using Akka.Actor;

namespace ActorNas.Actors.Caching;

/// <summary>
/// Fetches layers from another node's cache for its parent <see cref="WeightCacheActor"/>: sends <see cref="PullLayers"/>,
/// grants the sender a window of chunks and one more per chunk received, reassembles the layers and keeps only those
/// whose checksum matches. A silent peer (no message within the fetch timeout), an out-of-order chunk or an abort ends
/// the transfer: what arrived intact is kept, the rest are misses. Always answers its parent once, then stops.
/// </summary>
internal sealed class LayerFetcher : ReceiveActor
{
    private readonly long _transferId;
    private readonly WeightCacheSettings _settings;
    private readonly List<LayerPayload> _received = [];
    private IReadOnlyList<LayerHeader> _headers = [];
    private byte[]? _current;
    private int _layer;
    private int _offset;
    private long _bytes;
    private long _total;
    private int _expected;
    private int _failedChecksums;
    private bool _answered;

    public static Props Props(long transferId, ActorSelection remote, IReadOnlyList<string> layers, WeightCacheSettings settings) =>
        Akka.Actor.Props.Create(() => new LayerFetcher(transferId, remote, layers, settings));

    public LayerFetcher(long transferId, ActorSelection remote, IReadOnlyList<string> layers, WeightCacheSettings settings)
    {
        _transferId = transferId;
        _settings = settings;
        Context.SetReceiveTimeout(settings.Timeout);
        remote.Tell(new PullLayers(transferId, layers, Math.Clamp(settings.ChunkBytes, 1024, WeightCacheSettings.MaxChunkBytes)), Self);

        Receive<TransferOpened>(o => o.TransferId == _transferId, Opened);
        Receive<LayerChunk>(c => c.TransferId == _transferId, Chunk);
        Receive<TransferAborted>(a => a.TransferId == _transferId, a => Finish($"the sender aborted: {a.Reason}"));
        Receive<ReceiveTimeout>(_ => Finish($"no answer within {_settings.Timeout.TotalSeconds:0.#} s"));
    }

    private void Opened(TransferOpened opened)
    {
        _answered = true;
        _headers = opened.Layers;
        var limit = Math.Min(_settings.MaxLayerBytes, Array.MaxLength);
        if (_headers.FirstOrDefault(h => h.Length < 0 || h.Length > limit) is { } bad)
        {
            Sender.Tell(new TransferAborted(_transferId, "a layer length out of range"));
            Finish($"the sender announced layer {bad.Layer} of {bad.Length} bytes, outside 0 to {limit} " +
                "(actornas.weight-cache.max-layer-mb); the transfer is refused");
            return;
        }
        _total = _headers.Sum(h => h.Length);
        StartLayer();
        if (Done()) Finish(null);
        else Sender.Tell(new ChunkDemand(_transferId, Math.Max(1, _settings.ChunkWindow)));
    }

    private void Chunk(LayerChunk chunk)
    {
        if (chunk.Sequence != _expected || _bytes + chunk.Data.Length > _total)
        {
            Sender.Tell(new TransferAborted(_transferId, "unexpected chunk"));
            Finish($"chunk {chunk.Sequence} arrived where {_expected} was due, or past the announced {_total} bytes");
            return;
        }
        _expected++;
        var data = chunk.Data.AsSpan();
        while (data.Length > 0)
        {
            var take = Math.Min(data.Length, _current!.Length - _offset);
            data[..take].CopyTo(_current.AsSpan(_offset));
            _offset += take;
            data = data[take..];
            if (_offset == _current.Length) EndLayer();
        }
        _bytes += chunk.Data.Length;
        if (Done()) Finish(null);
        else Sender.Tell(new ChunkDemand(_transferId, 1));
    }

    private bool Done() => _layer >= _headers.Count;

    /// <summary>Moves to the next layer with bytes to receive; empty layers complete at once.</summary>
    private void StartLayer()
    {
        while (_layer < _headers.Count && _headers[_layer].Length == 0) Verify(_headers[_layer++], []);
        _current = _layer < _headers.Count ? new byte[_headers[_layer].Length] : null;
        _offset = 0;
    }

    private void EndLayer()
    {
        Verify(_headers[_layer], _current!);
        _layer++;
        StartLayer();
    }

    private void Verify(LayerHeader header, byte[] data)
    {
        var payload = new LayerPayload(header.Layer, header.Owner, data, header.Checksum);
        if (payload.IsIntact()) _received.Add(payload);
        else _failedChecksums++;
    }

    private void Finish(string? error)
    {
        if (error is null && _failedChecksums > 0) error = $"{_failedChecksums} layers arrived corrupted (checksum mismatch)";
        Context.Parent.Tell(new WeightCacheActor.FetchCompleted(_transferId, _received, _bytes, error, _answered));
        Context.Stop(Self);
    }
}
