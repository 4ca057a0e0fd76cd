namespace SubnetNotebooks.Data;

/// <summary>
/// The usual train and evaluation transforms of each dataset: random crop (padding 4) and flip
/// for CIFAR; random-resized crop (torchvision's scale 0.08-1, ratio 3/4-4/3) to 224 and flip of the 256
/// images for CUB-200 with a centre 224 crop at evaluation; random-resized crop and flip at the stored
/// side for Tiny-ImageNet; none for the 28x28 and 8x8 sets.
/// </summary>
public static class DatasetTransforms
{
    /// <summary>Training-time augmentation for <paramref name="info"/>, or null when it has none.</summary>
    public static IBatchAugmentation? Training(DatasetInfo info) => info.Name switch
    {
        "cifar10" or "cifar100" or "cifar100-coarse" => new RandomCropFlip(info.ImageSize, padding: 4),
        "tiny-imagenet" => new RandomResizedCropFlip(info.ImageSize),
        "cub200" => new RandomResizedCropFlip(CubCrop(info)),
        _ => null,
    };

    /// <summary>Evaluation-time transform for <paramref name="info"/>, or null when images are used as stored.</summary>
    public static IBatchAugmentation? Evaluation(DatasetInfo info) => info.Name switch
    {
        "cub200" => new ResizeCenterCrop(info.ImageSize, CubCrop(info)),
        _ => null,
    };

    /// <summary>CUB crop side: 7/8 of the stored side (224 of 256).</summary>
    static int CubCrop(DatasetInfo info) => info.ImageSize * 7 / 8;
}
