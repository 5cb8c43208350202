using Llava.Model.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Llava.Model.Tests;

/// <summary>Grouped-query attention and an explicit head_dim, on random weights.</summary>
public sealed class GroupedQueryAttentionTests(ITestOutputHelper output)
{
    // 4 query heads share 2 KV heads; head_dim 24 differs from hidden/heads = 16.
    private const string GqaText = """
        {"vocab_size": 300, "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 24, "rms_norm_eps": 1e-5}
        """;

    private const string MhaText = """
        {"vocab_size": 300, "hidden_size": 64, "intermediate_size": 96, "num_hidden_layers": 2,
         "num_attention_heads": 4, "num_key_value_heads": 4, "head_dim": 24, "rms_norm_eps": 1e-5}
        """;

    [Fact]
    public void CachedPrefillChunksAndDecodeMatchTheNoCacheForward()
    {
        using var model = RandomModels.Create(RandomModels.Config(GqaText), seed: 7);
        Assert.Equal([48, 64], model.language_model.model.layers[0].self_attn.k_proj.weight.shape);
        Assert.Equal([96, 64], model.language_model.model.layers[0].self_attn.q_proj.weight.shape);
        using var generator = new Generator(3);
        using var ids = randint(0, 300, [17], ScalarType.Int64, generator: generator);
        using var embeds = model.EmbedTokens(ids);
        using var batched = embeds.unsqueeze(0);
        using var reference = model.Forward(batched);

        using var cache = model.CreateKvCache(slots: 3, capacity: 32);
        cache.AllocateSlot();
        var slot = cache.AllocateSlot();
        var rows = new List<Tensor>();
        var chunks = new[] { (0, 6), (6, 5), (11, 1), (12, 1), (13, 4) };
        foreach (var (start, length) in chunks)
        {
            using var part = embeds.narrow(0, start, length);
            rows.Add(model.ForwardCached(part, ForwardBatch.Single(slot, start, length), cache, allPositions: true));
        }
        using var cached = cat(rows, 0);
        foreach (var row in rows) row.Dispose();

        using var difference = (cached - reference[0]).abs().max();
        output.WriteLine($"GQA cached (chunks + decode) vs no-cache: max |diff| = {difference.item<float>():E3}");
        Assert.True(difference.item<float>() < 1e-4);
    }

    [Fact]
    public void QueryHeadReadsKvHeadByIntegerDivision()
    {
        using var gqa = RandomModels.Create(RandomModels.Config(GqaText), seed: 11);
        using var mha = RandomModels.Create(RandomModels.Config(MhaText), seed: 12);
        CopyWithExpandedKvHeads(gqa, mha, groups: 2, headDim: 24);

        using var generator = new Generator(5);
        using var ids = randint(0, 300, [9], ScalarType.Int64, generator: generator);
        using var gqaEmbeds = gqa.EmbedTokens(ids);
        using var mhaEmbeds = mha.EmbedTokens(ids);
        using var gqaCache = gqa.CreateKvCache(1, 16);
        using var mhaCache = mha.CreateKvCache(1, 16);
        using var gqaLogits = gqa.ForwardCached(gqaEmbeds, ForwardBatch.Single(gqaCache.AllocateSlot(), 0, 9), gqaCache, allPositions: true);
        using var mhaLogits = mha.ForwardCached(mhaEmbeds, ForwardBatch.Single(mhaCache.AllocateSlot(), 0, 9), mhaCache, allPositions: true);

        using var difference = (gqaLogits - mhaLogits).abs().max();
        Assert.True(difference.item<float>() < 1e-4, $"GQA differs from the equivalent MHA model by {difference.item<float>()}");
    }

    /// <summary>
    /// Makes <paramref name="mha"/> compute what <paramref name="gqa"/> computes: KV head j of the GQA model is
    /// copied to query heads j·groups … j·groups + groups - 1 (Hugging Face's repeat_kv).
    /// </summary>
    private static void CopyWithExpandedKvHeads(LlavaForConditionalGeneration gqa, LlavaForConditionalGeneration mha, int groups, int headDim)
    {
        var source = gqa.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        using var noGrad = no_grad();
        foreach (var (name, target) in mha.named_parameters())
        {
            var weight = source[name];
            if (name.StartsWith("language_model.") && (name.EndsWith("self_attn.k_proj.weight") || name.EndsWith("self_attn.v_proj.weight")))
            {
                using var heads = weight.view(-1, headDim, weight.shape[1]);
                using var expanded = heads.repeat_interleave(groups, 0);
                using var flat = expanded.reshape(-1, weight.shape[1]);
                target.copy_(flat);
            }
            else
            {
                target.copy_(weight);
            }
        }
    }
}
