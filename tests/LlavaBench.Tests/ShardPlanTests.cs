using LlavaBench.Modeling;

namespace LlavaBench.Tests;

public class ShardPlanTests
{
    [Fact]
    public void StartsANewShardBeforeTheTensorThatWouldOverflowIt()
    {
        TensorSpec[] tensors = [new("a", [10]), new("b", [20]), new("c", [5]), new("d", [100]), new("e", [1])];

        var plan = ShardPlan.Of(tensors, elementBytes: 2, maxShardBytes: 70);

        Assert.Equal([["a", "b", "c"], ["d"], ["e"]], plan.Shards.Select(s => s.Tensors.Select(t => t.Name).ToArray()));
        Assert.Equal(["model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors", "model-00003-of-00003.safetensors"],
            plan.Shards.Select(s => s.FileName));
        Assert.Equal(272, plan.TotalBytes);
        Assert.Equal(136, plan.ParameterCount);
        Assert.Equal("model-00002-of-00003.safetensors", (string?)plan.ToIndexJson()["weight_map"]!["d"]);
    }
}
