namespace ActorNas.Hosting;

/// <summary>
/// The key of the search's guardian in Akka.Hosting's <c>ActorRegistry</c>: <c>registry.Get&lt;ActorNasSearchKey&gt;()</c>
/// answers GetSearchStatus, PauseSearch, ResumeSearch and StopSearch.
/// </summary>
public sealed class ActorNasSearchKey;
