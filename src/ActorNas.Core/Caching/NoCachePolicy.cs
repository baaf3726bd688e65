namespace ActorNas.Core.Caching;

/// <summary>The baseline: keep nothing, so every child trains from scratch.</summary>
public sealed class NoCachePolicy : ICachePolicy
{
    public string Name => "none";
    public bool Admits(string layer, long owner) => false;
    public void OnDonorChosen(long donorId) { }
    public void OnRequested(string layer, bool held) { }
    public void OnAdmitted(string layer, long owner, long bytes) { }
    public void OnRemoved(string layer) { }
    public string Victim() => throw new InvalidOperationException("the none policy holds nothing");
}
