namespace LlavaBench.Modeling;

/// <summary>The towers' sizes that decide a llava-hf checkpoint's tensor keys and shapes.</summary>
public sealed record HubDimensions(
    int VisionHiddenSize, int VisionIntermediateSize, int VisionLayers, int ImageSize, int PatchSize,
    int TextHiddenSize, int TextIntermediateSize, int TextLayers, int TextHeads, int KeyValueHeads, int VocabSize);

/// <summary>
/// Every key of a llava-hf hub checkpoint with its shape, in the order transformers 4.3x saved the state dict
/// (module registration order): LLaVA-NeXT's own <c>image_newline</c> parameter first, then the CLIP tower with
/// k/v/q/out projections, the projector, and the Llama/Mistral decoder with q/k/v/o (k and v sized for the
/// key-value heads).
/// </summary>
public static class HubTensors
{
    public static IReadOnlyList<TensorSpec> Of(HubDimensions d, bool imageNewline)
    {
        long v = d.VisionHiddenSize, vi = d.VisionIntermediateSize, t = d.TextHiddenSize, ti = d.TextIntermediateSize;
        long kv = t / d.TextHeads * d.KeyValueHeads;
        var patches = d.ImageSize / d.PatchSize * (d.ImageSize / d.PatchSize);
        var tensors = new List<TensorSpec>();
        void Add(string name, params long[] shape) => tensors.Add(new TensorSpec(name, shape));
        void Linear(string name, long outFeatures, long inFeatures, bool bias = true)
        {
            Add(name + ".weight", outFeatures, inFeatures);
            if (bias) Add(name + ".bias", outFeatures);
        }
        void Norm(string name, long size, bool bias = true)
        {
            Add(name + ".weight", size);
            if (bias) Add(name + ".bias", size);
        }

        if (imageNewline) Add("image_newline", t);
        const string vision = "vision_tower.vision_model.";
        Add(vision + "embeddings.class_embedding", v);
        Add(vision + "embeddings.patch_embedding.weight", v, 3, d.PatchSize, d.PatchSize);
        Add(vision + "embeddings.position_embedding.weight", patches + 1, v);
        Norm(vision + "pre_layrnorm", v);
        for (var layer = 0; layer < d.VisionLayers; layer++)
        {
            var prefix = $"{vision}encoder.layers.{layer}.";
            foreach (var projection in (string[])["k_proj", "v_proj", "q_proj", "out_proj"])
                Linear(prefix + "self_attn." + projection, v, v);
            Norm(prefix + "layer_norm1", v);
            Linear(prefix + "mlp.fc1", vi, v);
            Linear(prefix + "mlp.fc2", v, vi);
            Norm(prefix + "layer_norm2", v);
        }
        Norm(vision + "post_layernorm", v);
        Linear("multi_modal_projector.linear_1", t, v);
        Linear("multi_modal_projector.linear_2", t, t);
        Add("language_model.model.embed_tokens.weight", d.VocabSize, t);
        for (var layer = 0; layer < d.TextLayers; layer++)
        {
            var prefix = $"language_model.model.layers.{layer}.";
            Linear(prefix + "self_attn.q_proj", t, t, bias: false);
            Linear(prefix + "self_attn.k_proj", kv, t, bias: false);
            Linear(prefix + "self_attn.v_proj", kv, t, bias: false);
            Linear(prefix + "self_attn.o_proj", t, t, bias: false);
            Linear(prefix + "mlp.gate_proj", ti, t, bias: false);
            Linear(prefix + "mlp.up_proj", ti, t, bias: false);
            Linear(prefix + "mlp.down_proj", t, ti, bias: false);
            Norm(prefix + "input_layernorm", t, bias: false);
            Norm(prefix + "post_attention_layernorm", t, bias: false);
        }
        Norm("language_model.model.norm", t, bias: false);
        Linear("language_model.lm_head", d.VocabSize, t, bias: false);
        return tensors;
    }
}
