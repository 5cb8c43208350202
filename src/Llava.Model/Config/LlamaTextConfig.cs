using System.Text.Json.Serialization;

namespace Llava.Model.Config;

/// <summary>
/// The <c>text_config</c> of a LLaVA checkpoint: Llama, or Mistral (Llama blocks with grouped-query attention).
/// Property initialisers are Hugging Face <c>LlamaConfig</c>'s defaults, which apply to every field a checkpoint
/// omits (llava-hf configs omit most of them); <see cref="TextConfigJson"/> puts Mistral's defaults in first.
/// </summary>
public sealed class LlamaTextConfig
{
    public string? ModelType { get; init; }

    public int VocabSize { get; init; } = 32000;

    public int HiddenSize { get; init; } = 4096;

    public int IntermediateSize { get; init; } = 11008;

    public int NumHiddenLayers { get; init; } = 32;

    public int NumAttentionHeads { get; init; } = 32;

    /// <summary>Omitted or null means one KV head per query head (no grouped-query attention).</summary>
    public int? NumKeyValueHeads { get; init; }

    /// <summary>Omitted or null means <c>hidden_size / num_attention_heads</c>.</summary>
    public int? HeadDim { get; init; }

    public string HiddenAct { get; init; } = "silu";

    public int MaxPositionEmbeddings { get; init; } = 2048;

    public double RmsNormEps { get; init; } = 1e-6;

    public double RopeTheta { get; init; } = 10000.0;

    public RopeScaling? RopeScaling { get; init; }

    /// <summary>Mistral's attention window; null means full causal attention (all llava-hf NeXT checkpoints).</summary>
    public int? SlidingWindow { get; init; }

    public bool AttentionBias { get; init; }

    public bool MlpBias { get; init; }

    public bool TieWordEmbeddings { get; init; }

    public int? BosTokenId { get; init; } = 1;

    /// <summary>One id in Llama-2 era configs; newer configs may list several.</summary>
    [JsonConverter(typeof(TokenIdsConverter))]
    public int[] EosTokenId { get; init; } = [2];

    public string? TorchDtype { get; init; }

    /// <summary>transformers ≥ 4.56 writes <c>dtype</c> instead of <c>torch_dtype</c>.</summary>
    public string? Dtype { get; init; }

    public int KeyValueHeads => NumKeyValueHeads ?? NumAttentionHeads;

    public int AttentionHeadDim => HeadDim ?? HiddenSize / NumAttentionHeads;
}
