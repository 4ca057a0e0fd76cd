using Plotly.NET;

namespace SubnetNotebooks.Plots;

/// <summary>
/// One colour and one place in the order for every method of the kit, in every chart of the report, the notebooks and the
/// file-based apps. Colours follow Okabe and Ito's colour-blind-safe set; the order is the kit's method list (the paper's four
/// first). A series whose name is a method, or a training run of one ("deep/2", "subnet/parent"), gets that method's colour.
/// </summary>
public static class MethodPalette
{
    /// <summary>The methods in the order every chart and table shows them, with their colours.</summary>
    public static IReadOnlyList<(string Method, string Colour)> Methods { get; } =
    [
        ("single", "#6b6b6b"), ("mcdropout", "#E69F00"), ("deep", "#0072B2"), ("subnet", "#D55E00"), ("subnet-budget", "#CC79A7"),
        ("deep-budget", "#56B4E9"), ("batchensemble", "#009E73"), ("mimo", "#8C6D1F"), ("masksembles", "#7B3294"), ("packed", "#17BECF"),
        ("overlap", "#A6761D"),
    ];

    /// <summary>Colours of series that are not methods, by their order of appearance.</summary>
    static readonly string[] Others = ["#332288", "#117733", "#882255", "#44AA99", "#999933", "#AA4499", "#88CCEE", "#DDCC77"];

    /// <summary>The method <paramref name="name"/> stands for: itself, or the part before a '/' or a space ("deep/2" is deep); null for none.</summary>
    /// <param name="name">a method, a training run or a series name</param>
    public static string? MethodOf(string name)
    {
        foreach (var candidate in new[] { name, name.Split('/', 2)[0], name.Split(' ', 2)[0] })
            if (Methods.Any(m => m.Method == candidate)) return candidate;
        return null;
    }

    /// <summary>The colour (#rrggbb) of <paramref name="name"/>: its method's, else the <paramref name="fallback"/>-th colour of a second palette.</summary>
    /// <param name="name">a method, a training run or a series name</param>
    /// <param name="fallback">index of the series among those that are not methods</param>
    public static string Hex(string name, int fallback = 0) =>
        MethodOf(name) is { } method ? Methods.First(m => m.Method == method).Colour : Others[((fallback % Others.Length) + Others.Length) % Others.Length];

    /// <summary>As <see cref="Hex"/>, as a Plotly colour.</summary>
    /// <param name="name">a method, a training run or a series name</param>
    /// <param name="fallback">index of the series among those that are not methods</param>
    public static Color Colour(string name, int fallback = 0) => Color.fromString(Hex(name, fallback));

    /// <summary>Place of <paramref name="name"/>'s method in <see cref="Methods"/>; names that are not methods come after them.</summary>
    /// <param name="name">a method, a training run or a series name</param>
    public static int Rank(string name) => MethodOf(name) is { } method ? Methods.Select(m => m.Method).ToList().IndexOf(method) : Methods.Count;

    /// <summary><paramref name="items"/> in method order (stable: runs of one method and non-methods keep their order).</summary>
    /// <param name="items">anything named by a method</param>
    /// <param name="name">the method name of an item</param>
    public static IReadOnlyList<T> Ordered<T>(IEnumerable<T> items, Func<T, string> name) => items.OrderBy(i => Rank(name(i))).ToArray();

    /// <summary>One colour per series: methods their own, the rest the second palette in order of appearance.</summary>
    /// <param name="names">[series] series names</param>
    public static string[] Assign(IReadOnlyList<string> names)
    {
        int other = 0;
        return names.Select(n => MethodOf(n) is null ? Hex(n, other++) : Hex(n)).ToArray();
    }
}
