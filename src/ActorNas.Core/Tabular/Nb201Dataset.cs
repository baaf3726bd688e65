namespace ActorNas.Core.Tabular;

/// <summary>The three datasets of NAS-Bench-201.</summary>
public enum Nb201Dataset { Cifar10, Cifar100, ImageNet16 }

public static class Nb201Datasets
{
    public static readonly IReadOnlyList<Nb201Dataset> All = [Nb201Dataset.Cifar10, Nb201Dataset.Cifar100, Nb201Dataset.ImageNet16];

    /// <summary>The name users type and the log records.</summary>
    public static string Name(this Nb201Dataset dataset) => dataset switch
    {
        Nb201Dataset.Cifar10 => "cifar10",
        Nb201Dataset.Cifar100 => "cifar100",
        _ => "imagenet16-120",
    };

    /// <summary>The prefix of the dataset's columns in the table.</summary>
    public static string ColumnPrefix(this Nb201Dataset dataset) => dataset switch
    {
        Nb201Dataset.Cifar10 => "cifar10",
        Nb201Dataset.Cifar100 => "cifar100",
        _ => "in16",
    };

    public static Nb201Dataset Parse(string name) =>
        All.FirstOrDefault(d => d.Name() == name.Trim().ToLowerInvariant(), (Nb201Dataset)(-1)) is var d && d >= 0
            ? d
            : throw new ArgumentException($"unknown dataset \"{name}\"; NAS-Bench-201 has: {string.Join(", ", All.Select(x => x.Name()))}");
}
