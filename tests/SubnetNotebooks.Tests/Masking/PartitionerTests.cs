using SubnetNotebooks.Masking;
using SubnetNotebooks.Models;
using static TorchSharp.torch;

namespace SubnetNotebooks.Tests.Masking;

public class PartitionerTests
{
    /// <summary>MLP 2 -> 4 -> 2 whose hidden units have L1 norms 1, 4, 2, 3 (ranking: units 1, 3, 2, 0).</summary>
    static PrunableModel HandMlp()
    {
        var model = ModelFactory.Create(new ModelSpec("mlp", [4]), 1, 1, 2, 2);
        using var _ = no_grad();
        model.MaskedLayers[0].Weight.copy_(tensor(new float[] { 1, 0, -2, 2, 1, 1, 0, -3 }).reshape(4, 2));
        return model;
    }

    static int[] Kept(SubnetworkPartition p, int member) =>
        p.MaskFor(member).UnitMask("fc1").Select((k, i) => (k, i)).Where(t => t.k).Select(t => t.i).ToArray();

    [Fact]
    public void Magnitude_scores_are_row_L1_norms()
    {
        using var model = HandMlp();
        Assert.Equal(new float[] { 1, 4, 2, 3 }, UnitScores.Score(model, PruningCriterion.Magnitude, 0)["fc1"]);
    }

    [Fact]
    public void Round_robin_deals_ranks_alternately()
    {
        using var model = HandMlp();
        var p = Partitioner.Split(model, 2, PruningCriterion.Magnitude, PartitionStrategy.RoundRobin, MaskGranularity.Unit, 0);
        Assert.Equal(new[] { 1, 2 }, Kept(p, 0)); // ranks 0 and 2
        Assert.Equal(new[] { 0, 3 }, Kept(p, 1)); // ranks 1 and 3
    }

    [Fact]
    public void Greedy_gives_each_member_the_best_units_left()
    {
        using var model = HandMlp();
        var p = Partitioner.Split(model, 3, PruningCriterion.Magnitude, PartitionStrategy.Greedy, MaskGranularity.Unit, 0);
        Assert.Equal(new[] { 1, 3 }, Kept(p, 0));
        Assert.Equal(new[] { 2 }, Kept(p, 1));
        Assert.Equal(new[] { 0 }, Kept(p, 2));
    }

    [Fact]
    public void Anti_random_reverses_the_deal_in_every_second_block()
    {
        var scores = Enumerable.Range(0, 12).Select(i => (float)(12 - i)).ToArray(); // item i has rank i
        for (var seed = 0; seed < 5; seed++)
        {
            var owners = Partitioner.Deal(scores, 3, PartitionStrategy.AntiRandom, new Random(seed));
            for (var block = 0; block < 4; block += 2)
                for (var j = 0; j < 3; j++)
                    Assert.Equal(owners[block * 3 + j], owners[(block + 1) * 3 + (2 - j)]);
            Assert.All(Enumerable.Range(0, 3), m => Assert.Equal(4, owners.Count(o => o == m)));
        }
    }

    [Fact]
    public void Residual_stream_score_sums_every_layer_writing_into_it()
    {
        manual_seed(3);
        using var model = ModelFactory.Create(new ModelSpec("resnet18", [4, 4, 8, 8]), 3, 8, 8, 5);
        var scores = UnitScores.Score(model, PruningCriterion.Magnitude, 0)["stage3"];
        var expected = new double[8];
        foreach (var path in new[] { "stage3_0.conv2", "stage3_0.shortcut", "stage3_1.conv2" })
        {
            var w = model.MaskedLayers.Single(l => l.Path == path).Weight.detach().data<float>().ToArray();
            var per = w.Length / 8;
            for (var f = 0; f < w.Length; f++) expected[f / per] += Math.Abs(w[f]);
        }
        for (var u = 0; u < 8; u++) Assert.Equal(expected[u], scores[u], 4);
    }

    [Fact]
    public void Taylor_scores_are_weight_times_gradient_summed_per_unit()
    {
        using var model = HandMlp();
        manual_seed(8);
        var x = randn(5, 1, 1, 2);
        var y = tensor(new long[] { 0, 1, 1, 0, 1 });
        var scores = UnitScores.Score(model, PruningCriterion.Taylor, 0, [(x, y)])["fc1"];
        Assert.All(model.parameters(), p => Assert.Null(p.grad));

        // Independent: gradient of the same loss by hand-written autograd in the test.
        model.eval();
        var loss = nn.functional.cross_entropy(model.call(x), y);
        loss.backward();
        var w = model.MaskedLayers[0].Weight;
        var expected = (w.detach() * w.grad!).abs().sum(1).data<float>().ToArray();
        for (var u = 0; u < 4; u++) Assert.Equal(expected[u], scores[u], 5);
        Assert.Contains(scores, s => s > 0);
    }

    [Fact]
    public void Taylor_without_batches_says_what_it_needs()
    {
        using var model = HandMlp();
        var e = Assert.Throws<ArgumentException>(() => UnitScores.Score(model, PruningCriterion.Taylor, 0));
        Assert.Contains("batches", e.Message);
    }

    [Fact]
    public void Random_scores_follow_the_seed()
    {
        using var model = HandMlp();
        Assert.Equal(UnitScores.Score(model, PruningCriterion.Random, 7)["fc1"], UnitScores.Score(model, PruningCriterion.Random, 7)["fc1"]);
        Assert.NotEqual(UnitScores.Score(model, PruningCriterion.Random, 7)["fc1"], UnitScores.Score(model, PruningCriterion.Random, 8)["fc1"]);
    }

    [Fact]
    public void Member_parameter_counts_match_hand_formula()
    {
        manual_seed(1);
        using var model = ModelFactory.Create(new ModelSpec("mlp", [4, 4]), 1, 2, 2, 2);
        var p = Partitioner.Split(model, 2, PruningCriterion.Magnitude, PartitionStrategy.RoundRobin, MaskGranularity.Unit, 0);
        // fc1 4x2+2, fc2 2x2+2, head 2x2+2 (class outputs shared)
        Assert.Equal(new long[] { 22, 22 }, p.ParameterCounts(model));
        Assert.Equal(new long[] { 2 * (8 + 4 + 4), 2 * (8 + 4 + 4) }, p.FlopsPerExample(model));
        Assert.Equal(new[] { 2, 2 }, p.UnitCounts("fc2"));
    }
}
