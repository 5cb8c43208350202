using Llava.Engine.Imaging;
using Llava.Model.Config;
using Llava.Model.Vision;
using Llava.Training.Modeling;
using static TorchSharp.torch;

namespace Llava.Training.Tests;

public sealed class NeighbourAttentionTests
{
    private static ClipVisionConfig Tower(int imageSize, int patchSize, int hidden, int heads) => new()
    {
        HiddenSize = hidden,
        IntermediateSize = 4 * hidden,
        NumHiddenLayers = 3,
        NumAttentionHeads = heads,
        ImageSize = imageSize,
        PatchSize = patchSize,
    };

    /// <summary>White, black, mid-grey, noise, and half white half dark: the extremes of what reaches the tower.</summary>
    private static Tensor Pictures(int size)
    {
        var generator = new Random(3);
        var pixels = new float[5, 3, size, size];
        for (var c = 0; c < 3; c++)
            for (var y = 0; y < size; y++)
                for (var x = 0; x < size; x++)
                {
                    float[] raw = [1f, 0f, 0.5f, (float)generator.NextDouble(), x < size / 2 ? 1f : 0.1f];
                    for (var p = 0; p < raw.Length; p++)
                        pixels[p, c, y, x] = (float)((raw[p] - ClipImageProcessor.OpenAiClipMean[c]) / ClipImageProcessor.OpenAiClipStd[c]);
                }
        return tensor(pixels);
    }

    /// <summary>Softmax attention probabilities of one layer, <c>[pictures, heads, tokens, tokens]</c>.</summary>
    private static Tensor Attention(ClipVisionTransformer tower, ClipVisionConfig config, Tensor pixels, int layer)
    {
        var normed = tower.encoder.layers[layer].layer_norm1.forward(tower.HiddenState(pixels, layer));
        var attention = tower.encoder.layers[layer].self_attn;
        var shape = new long[] { pixels.shape[0], -1, config.NumAttentionHeads, config.HeadDim };
        var q = attention.q_proj.forward(normed).view(shape).transpose(1, 2);
        var k = attention.k_proj.forward(normed).view(shape).transpose(1, 2);
        return (q.matmul(k.transpose(2, 3)) / Math.Sqrt(config.HeadDim)).softmax(-1);
    }

    [Theory]
    [InlineData(72, 12, 192, 8)]
    [InlineData(72, 12, 192, 4)]
    [InlineData(72, 8, 128, 8)]
    [InlineData(72, 6, 96, 8)]
    [InlineData(72, 24, 192, 4)]
    public void Each_head_of_the_initialised_layers_reads_the_patch_at_its_offset_whatever_the_picture(int image, int patch, int hidden, int heads)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var config = Tower(image, patch, hidden, heads);
        manual_seed(1);
        var tower = new ClipVisionTransformer(config, CPU, ScalarType.Float32);
        ParameterInitializer.Initialize(tower);
        NeighbourAttention.Initialize(tower, config, layers: 2);

        var side = config.PatchesPerSide;
        var pictures = Pictures(image);
        for (var layer = 0; layer < 2; layer++)
        {
            var probabilities = Attention(tower, config, pictures, layer).data<float>().ToArray();
            var tokens = config.NumPatches + 1;
            for (var head = 0; head < Math.Min(heads, NeighbourAttention.Offsets.Length); head++)
            {
                var (dx, dy) = NeighbourAttention.Offsets[head];
                for (var picture = 0; picture < 5; picture++)
                    for (var row = 0; row < side; row++)
                        for (var column = 0; column < side; column++)
                        {
                            var (x, y) = (column + dx, row + dy);
                            if (x < 0 || y < 0 || x >= side || y >= side)
                                continue;
                            var query = 1 + row * side + column;
                            var keyToken = 1 + y * side + x;
                            var weight = probabilities[((picture * heads + head) * tokens + query) * tokens + keyToken];
                            Assert.True(weight > 0.9,
                                $"layer {layer} head {head} ({dx},{dy}), picture {picture}, patch ({column},{row}): {weight:F3} on its neighbour");
                        }
            }
        }
    }

    [Fact]
    public void Heads_past_the_offsets_and_layers_past_the_count_keep_their_random_start()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var config = Tower(72, 24, 192, 12);
        manual_seed(1);
        var tower = new ClipVisionTransformer(config, CPU, ScalarType.Float32);
        ParameterInitializer.Initialize(tower);
        var untouchedLayer = tower.encoder.layers[1].self_attn.q_proj.weight.clone();
        var lastHeads = tower.encoder.layers[0].self_attn.q_proj.weight.narrow(0, 8 * config.HeadDim, 4 * config.HeadDim).clone();

        NeighbourAttention.Initialize(tower, config, layers: 1);

        Assert.True(tower.encoder.layers[1].self_attn.q_proj.weight.eq(untouchedLayer).all().item<bool>());
        Assert.True(tower.encoder.layers[0].self_attn.q_proj.weight.narrow(0, 8 * config.HeadDim, 4 * config.HeadDim).eq(lastHeads).all().item<bool>());
    }

    [Theory]
    [InlineData(4, 24, 64)]
    [InlineData(0, 24, 64)]
    [InlineData(1, 4, 64)]
    public void A_layer_count_the_tower_does_not_have_or_heads_too_narrow_for_its_grid_are_refused(int layers, int patch, int hidden)
    {
        // 4-px patches make an 18 × 18 grid; heads of 8 dimensions hold two frequencies, whose peak stands 0.5 above the rest.
        var config = Tower(72, patch, hidden, 8);
        using var tower = new ClipVisionTransformer(config, CPU, ScalarType.Float32);
        Assert.Throws<ArgumentException>(() => NeighbourAttention.Initialize(tower, config, layers));
    }
}
