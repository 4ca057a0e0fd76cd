namespace SubnetNotebooks.Data;

/// <summary>A loaded dataset: its train and test splits, normalisation and info.</summary>
/// <param name="Train">train split, uint8 [N, C, H, W]</param>
/// <param name="Test">test split, uint8 [N, C, H, W]</param>
/// <param name="Normalization">per-channel constants to use with <see cref="BatchIterator"/></param>
/// <param name="Info">what the dataset is</param>
/// <param name="Path">the folder it was read from</param>
public sealed record DatasetSplits(ImageDataset Train, ImageDataset Test, Normalization Normalization, DatasetInfo Info, string Path) : IDisposable
{
    /// <summary>Frees both splits' tensors.</summary>
    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
