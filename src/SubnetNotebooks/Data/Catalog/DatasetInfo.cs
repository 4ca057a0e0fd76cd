namespace SubnetNotebooks.Data;

/// <summary>What a known dataset is: classes, image shape, official split sizes, licence, normalisation.</summary>
/// <param name="Name">catalog name, e.g. "fashion-mnist"</param>
/// <param name="Title">display name, e.g. "Fashion-MNIST"</param>
/// <param name="Classes">number of classes</param>
/// <param name="Channels">1 (grey) or 3 (RGB)</param>
/// <param name="ImageSize">side of the square images as loaded (CUB-200 and Tiny-ImageNet: the default resize)</param>
/// <param name="TrainCount">samples in the official (or documented) train split</param>
/// <param name="TestCount">samples in the official (or documented) test split</param>
/// <param name="Licence">licence or terms of use</param>
/// <param name="Anchor">section of datasets.md about it</param>
/// <param name="Normalization">per-channel mean and std of the train split, pixels in [0, 1]</param>
/// <param name="HowToGet">the command that puts it where the catalog looks</param>
public sealed record DatasetInfo(string Name, string Title, int Classes, int Channels, int ImageSize,
    int TrainCount, int TestCount, string Licence, string Anchor, Normalization Normalization, string HowToGet)
{
    /// <summary>Image shape as C x H x W, e.g. "1x28x28".</summary>
    public string Shape => $"{Channels}x{ImageSize}x{ImageSize}";
}
