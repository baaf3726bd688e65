namespace ActorNas.Torch.Training;

/// <summary>Training reached a non-finite loss: every weight after that step would be NaN, so it stops and says where.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
