using TorchSharp;

namespace ActorNas.Torch.Training;

/// <summary>Which device an evaluator slot trains on.</summary>
public static class TorchDevices
{
    /// <summary>
    /// auto: cuda:K for slot K (modulo the number of GPUs) when TorchSharp sees CUDA, else cpu; cpu; cuda (= cuda:0);
    /// cuda:K. Asking for CUDA where there is none is an error, not a silent fallback.
    /// </summary>
    public static torch.Device ForSlot(string setting, int slot)
    {
        var cuda = torch.cuda.is_available();
        switch (setting)
        {
            case "auto":
                return cuda ? new torch.Device(DeviceType.CUDA, slot % Math.Max(1, torch.cuda.device_count())) : torch.CPU;
            case "cpu":
                return torch.CPU;
            default:
                if (!cuda)
                    throw new ArgumentException($"actornas.evaluator.train.device = {setting}, but TorchSharp sees no CUDA device " +
                        "(this build uses the CPU libtorch unless built with a CUDA TorchSharp package; see README, GPU); use device = auto or cpu");
                var index = setting == "cuda" ? 0 : int.Parse(setting[5..], System.Globalization.CultureInfo.InvariantCulture);
                if (index >= torch.cuda.device_count())
                    throw new ArgumentException($"actornas.evaluator.train.device = {setting}, but there are {torch.cuda.device_count()} CUDA device(s)");
                return new torch.Device(DeviceType.CUDA, index);
        }
    }
}
