namespace LlmFallback.Tests.Replicas;

public class SmoothWeightedScheduleTests
{
    [Fact]
    public void Build_Weights5_1_1_SpreadsTheHeavyReplica()
    {
        // Hand-computed: scores start at 0; each step adds (5,1,1), picks the max, takes 7 off it.
        // (5,1,1)->a (-2,1,1) | (3,2,2)->a (-4,2,2) | (1,3,3)->b (1,-4,3) | (6,-3,4)->a (-1,-3,4)
        // (4,-2,5)->c (4,-2,-2) | (9,-1,-1)->a (2,-1,-1) | (7,0,0)->a (0,0,0)
        Assert.Equal([0, 0, 1, 0, 2, 0, 0], SmoothWeightedSchedule.Build([5, 1, 1]));
    }

    [Fact]
    public void Build_Weights3_2_Alternates()
    {
        // (3,2)->a (-2,2) | (1,4)->b (1,-1) | (4,1)->a (-1,1) | (2,3)->b (2,-2) | (5,0)->a (0,0)
        Assert.Equal([0, 1, 0, 1, 0], SmoothWeightedSchedule.Build([3, 2]));
    }

    [Fact]
    public void Build_EqualWeights_PlainRoundRobin()
    {
        Assert.Equal([0, 1, 2], SmoothWeightedSchedule.Build([7, 7, 7]));
    }

    [Fact]
    public void Build_CommonDivisor_ReducesThePeriod()
    {
        // Weights 2 and 4 behave as 1 and 2: (1,2)->b (1,-1) | (2,1)->a (-1,1) | (0,3)->b (0,0)
        Assert.Equal([1, 0, 1], SmoothWeightedSchedule.Build([2, 4]));
    }

    [Fact]
    public void Build_Empty_ReturnsEmpty()
    {
        Assert.Empty(SmoothWeightedSchedule.Build([]));
    }

    [Fact]
    public void Build_CoprimeWeights_EachMemberAppearsWeightTimes()
    {
        int[] weights = [1000, 999, 7, 1];
        var sequence = SmoothWeightedSchedule.Build(weights);

        Assert.Equal(2007, sequence.Length);
        var counts = new int[weights.Length];
        foreach (var i in sequence)
        {
            counts[i]++;
        }

        Assert.Equal(weights, counts);
    }
}
