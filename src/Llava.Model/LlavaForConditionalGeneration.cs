using Llava.Model.AnyResolution;
using Llava.Model.Config;
using Llava.Model.Language;
using Llava.Model.Layers;
using Llava.Model.Tensors;
using Llava.Model.Vision;
using TorchSharp;
using static TorchSharp.torch;

namespace Llava.Model;

/// <summary>
/// LLaVA-1.5: CLIP vision tower → projector → Llama decoder, with Hugging Face state-dict names; with a
/// <c>llava_next</c> config also LLaVA-NeXT (Hugging Face's <c>LlavaNextForConditionalGeneration</c>): the same
/// modules plus <c>image_newline</c>, each image tiled into crops whose features are packed by
/// <see cref="ImageFeaturePacking"/>. Build it with <see cref="FromPretrained"/>; the constructor alone leaves every
/// parameter uninitialised.
/// </summary>
public sealed class LlavaForConditionalGeneration : nn.Module
{
    public readonly ClipVisionModel vision_tower;
    public readonly LlavaMultiModalProjector multi_modal_projector;
    public readonly LlamaForCausalLM language_model;

    /// <summary>LLaVA-NeXT only (null for 1.5): appended after every row of an image's feature grid.</summary>
    public readonly TorchSharp.Modules.Parameter? image_newline;

    /// <summary>Creates the modules with uninitialised, frozen parameters on <paramref name="device"/>.</summary>
    public LlavaForConditionalGeneration(LlavaConfig config, Device device, ScalarType dtype, bool tieWordEmbeddings = false)
        : this(config, device, new ModelPrecision(dtype, null, dtype.ToString()), tieWordEmbeddings)
    {
    }

    /// <summary>Likewise, with the matmul treatment of <paramref name="precision"/>.</summary>
    public LlavaForConditionalGeneration(LlavaConfig config, Device device, ModelPrecision precision, bool tieWordEmbeddings = false)
        : base(nameof(LlavaForConditionalGeneration))
    {
        Config = config;
        Device = device;
        Precision = precision;
        var dtype = precision.DType;
        vision_tower = new ClipVisionModel(config.Vision, device, dtype);
        multi_modal_projector = new LlavaMultiModalProjector(config, device, dtype);
        language_model = new LlamaForCausalLM(config.Text, tieWordEmbeddings, device, dtype);
        if (config.IsNext)
            image_newline = Parameters.Uninitialized([config.Text.HiddenSize], device, dtype);
        RegisterComponents();
        foreach (var user in modules().OfType<IMatmulPrecisionUser>())
            user.Precision = precision.Matmul;
    }

    public LlavaConfig Config { get; }

    public Device Device { get; }

    /// <summary>The compute dtype of parameters, activations and the KV cache.</summary>
    public ScalarType DType => Precision.DType;

    /// <summary>The dtype, how matmuls treat half-precision weights, and why they were chosen.</summary>
    public ModelPrecision Precision { get; }

    /// <summary>Loads, validates and returns a ready model in eval mode. See <see cref="LlavaModelLoader"/>.</summary>
    /// <exception cref="ModelLoadException">A file is missing or malformed, or the weights do not fit the config.</exception>
    /// <exception cref="ArgumentException">The options name an invalid or unavailable device or dtype.</exception>
    public static LlavaForConditionalGeneration FromPretrained(string modelDir, ModelOptions? options = null) =>
        LlavaModelLoader.Load(modelDir, options ?? new ModelOptions());

    /// <summary>A KV cache for this model with <paramref name="slots"/> sequences of up to <paramref name="capacity"/> tokens.</summary>
    public KvCache CreateKvCache(int slots, int capacity)
    {
        var text = Config.Text;
        if (capacity > text.MaxPositionEmbeddings)
            throw new ArgumentOutOfRangeException(nameof(capacity), capacity,
                $"capacity exceeds max_position_embeddings {text.MaxPositionEmbeddings}");
        return new KvCache(text.NumHiddenLayers, slots, capacity, text.KeyValueHeads, text.AttentionHeadDim, DType, Device);
    }

    /// <summary>
    /// Projected image features <c>[images, ImageSeqLen, textHidden]</c> in the compute dtype, from normalised
    /// pixels <c>[images, channels, imageSize, imageSize]</c> (float32, any device).
    /// </summary>
    public Tensor GetImageFeatures(Tensor pixelValues)
    {
        var vision = Config.Vision;
        if (pixelValues.ndim != 4 || pixelValues.shape[1] != vision.NumChannels
            || pixelValues.shape[2] != vision.ImageSize || pixelValues.shape[3] != vision.ImageSize)
            throw new ArgumentException(
                $"pixel values must be [images, {vision.NumChannels}, {vision.ImageSize}, {vision.ImageSize}], " +
                $"got [{string.Join(", ", pixelValues.shape)}]", nameof(pixelValues));
        using var scope = NewDisposeScope();
        var pixels = pixelValues.to(DType, Device);
        var selected = vision_tower.HiddenState(pixels, Config.VisionFeatureLayerIndex);
        if (!Config.KeepsClassToken)
            selected = selected.narrow(1, 1, selected.shape[1] - 1);
        return multi_modal_projector.forward(selected).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One image's prompt rows <c>[rows, textHidden]</c> in the compute dtype, from its preprocessed crops
    /// <c>[crops, channels, imageSize, imageSize]</c> and its original size: for LLaVA-1.5 the single crop's
    /// <see cref="LlavaConfig.ImageSeqLen"/> rows, for NeXT the packed grid (<see cref="AnyResolutionGrid.Tile"/>
    /// gives the row count without running the model).
    /// </summary>
    public Tensor GetImageFeatures(Tensor crops, int height, int width)
    {
        if (image_newline is null)
            return GetImageFeatures(crops)[0];
        var tiling = AnyResolutionGrid.Tile(Config, height, width);
        if (crops.ndim != 4 || crops.shape[0] != tiling.Crops)
            throw new ArgumentException(
                $"a {width}x{height} image is tiled into {tiling.Crops} crops, got pixel values [{string.Join(", ", crops.shape)}]",
                nameof(crops));
        using var scope = NewDisposeScope();
        return ImageFeaturePacking.Pack(GetImageFeatures(crops), tiling, image_newline).MoveToOuterDisposeScope();
    }

    /// <summary>Token embeddings <c>[..ids.shape, hidden]</c> for int64 ids on any device.</summary>
    public Tensor EmbedTokens(Tensor inputIds)
    {
        using var ids = inputIds.to(ScalarType.Int64, Device);
        return language_model.model.embed_tokens.forward(ids);
    }

    /// <summary>
    /// The decoder input for a prompt: embeddings of <paramref name="inputIds"/> (int64 <c>[tokens]</c>) whose
    /// image-token rows are replaced, in order, by the rows of <paramref name="imageFeatures"/>
    /// (<c>[images, ImageSeqLen, hidden]</c>, or <c>[1, rows, hidden]</c> with images of different row counts
    /// concatenated, or null for a text-only prompt). Ids on a device are read back first; a caller that has them on
    /// the host should pass them as such.
    /// </summary>
    /// <exception cref="ArgumentException">The number of image tokens does not match the features.</exception>
    public Tensor EmbedPrompt(Tensor inputIds, Tensor? imageFeatures)
    {
        if (inputIds.ndim != 1)
            throw new ArgumentException($"input ids must be one sequence [tokens], got {inputIds.ndim} dims", nameof(inputIds));
        using var ids = inputIds.to(ScalarType.Int64, CPU);
        return EmbedPrompt(ids.data<long>().ToArray(), imageFeatures);
    }

    /// <summary>
    /// <see cref="EmbedPrompt(Tensor, Tensor?)"/> for ids on the host: the image tokens are counted and found here, so
    /// nothing is read back from the device (on a GPU, a count or <c>nonzero</c> there would wait for it).
    /// </summary>
    /// <exception cref="ArgumentException">The number of image tokens does not match the features.</exception>
    public Tensor EmbedPrompt(ReadOnlySpan<long> inputIds, Tensor? imageFeatures)
    {
        var hidden = Config.Text.HiddenSize;
        if (imageFeatures is not null && (imageFeatures.ndim != 3 || imageFeatures.shape[2] != hidden))
            throw new ArgumentException(
                $"image features must be [images, {Config.ImageSeqLen}, {hidden}], got [{string.Join(", ", imageFeatures.shape)}]",
                nameof(imageFeatures));
        var imageTokenId = Config.ImageTokenIdResolved;
        var imageTokens = 0;
        foreach (var id in inputIds)
            if (id == imageTokenId) imageTokens++;
        var images = imageFeatures?.shape[0] ?? 0;
        var featureRows = imageFeatures is null ? 0 : imageFeatures.shape[0] * imageFeatures.shape[1];
        if (imageTokens != featureRows)
            throw new ArgumentException(
                $"the prompt has {imageTokens} image tokens (id {imageTokenId}) but {images} image(s) " +
                $"provide {featureRows} feature rows", nameof(inputIds));

        // One upload: the ids, with image tokens as 0 (the image token id may lie outside the embedding table; those
        // rows are overwritten anyway), then the image tokens' positions.
        var tokens = inputIds.Length;
        var data = new long[tokens + imageTokens];
        var next = tokens;
        for (var i = 0; i < tokens; i++)
        {
            var isImage = inputIds[i] == imageTokenId;
            data[i] = isImage ? 0 : inputIds[i];
            if (isImage) data[next++] = i;
        }
        using var scope = NewDisposeScope();
        var uploaded = tensor(data, device: Device);
        var embeds = language_model.model.embed_tokens.forward(uploaded.narrow(0, 0, tokens));
        if (imageFeatures is not null && imageTokens > 0)
        {
            var features = imageFeatures.reshape(-1, hidden).to(DType, Device);
            embeds = embeds.index_copy(0, uploaded.narrow(0, tokens, imageTokens), features);
        }
        return embeds.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Causal forward without a cache, for training and as a reference: <c>[batch, tokens, hidden]</c> →
    /// float32 logits <c>[batch, tokens, vocab]</c>. Gradients flow when parameters require them.
    /// </summary>
    public Tensor Forward(Tensor inputsEmbeds)
    {
        if (inputsEmbeds.ndim != 3 || inputsEmbeds.shape[2] != Config.Text.HiddenSize)
            throw new ArgumentException(
                $"inputs embeds must be [batch, tokens, {Config.Text.HiddenSize}], got [{string.Join(", ", inputsEmbeds.shape)}]",
                nameof(inputsEmbeds));
        using var scope = NewDisposeScope();
        var hidden = language_model.model.Forward(inputsEmbeds.to(DType, Device));
        return language_model.Logits(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One packed decoder step through <paramref name="cache"/> (inference only; runs without autograd).
    /// <paramref name="inputsEmbeds"/> is <c>[totalTokens, hidden]</c> with the chunks' tokens concatenated in
    /// batch order. Each chunk's keys and values are written into its slot at
    /// <c>[StartPosition, StartPosition + Length)</c>, after which the slot's length is
    /// <c>StartPosition + Length</c>.
    /// </summary>
    /// <returns>
    /// Float32 logits of each chunk's last token, <c>[chunks, vocab]</c>; with <paramref name="allPositions"/>, of
    /// every token, <c>[totalTokens, vocab]</c>.
    /// </returns>
    /// <param name="indices">
    /// Where the step's index tensors are uploaded from: a serving loop passes its one reused buffer (and calls
    /// <see cref="StepIndexBuffer.Begin"/> each step); null uses a buffer of this call's own.
    /// </param>
    /// <remarks>
    /// A step whose matmuls all run in the managed kernels (see <see cref="MatmulPrecision"/>) gives them libtorch's
    /// threads for its duration (<see cref="KernelThreads"/>).
    /// </remarks>
    /// <exception cref="ArgumentException">The batch does not fit the embeddings or the cache.</exception>
    public Tensor ForwardCached(Tensor inputsEmbeds, ForwardBatch batch, KvCache cache, bool allPositions = false,
        StepIndexBuffer? indices = null)
    {
        ValidateBatch(inputsEmbeds, batch, cache);
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        using var ownIndices = indices is null ? new StepIndexBuffer(Device) : null;
        using var kernelThreads = Precision.Matmul is { FewRowKernelRows: > 0 } kernels && batch.TotalTokens <= kernels.FewRowKernelRows
            ? KernelThreads.HandOver()
            : null;
        var hidden = language_model.model.ForwardCached(inputsEmbeds.to(DType, Device), batch, cache, allPositions,
            indices ?? ownIndices!);
        var logits = language_model.Logits(hidden);
        foreach (var chunk in batch.Chunks)
            cache.SetLength(chunk.Slot, chunk.StartPosition + chunk.Length);
        return logits.MoveToOuterDisposeScope();
    }

    private void ValidateBatch(Tensor inputsEmbeds, ForwardBatch batch, KvCache cache)
    {
        var text = Config.Text;
        if (batch.Chunks.Count == 0)
            throw new ArgumentException("the batch has no chunks", nameof(batch));
        if (cache.NumLayers != text.NumHiddenLayers)
            throw new ArgumentException($"the cache has {cache.NumLayers} layers, the model {text.NumHiddenLayers}", nameof(cache));
        if (inputsEmbeds.ndim != 2 || inputsEmbeds.shape[0] != batch.TotalTokens || inputsEmbeds.shape[1] != text.HiddenSize)
            throw new ArgumentException(
                $"inputs embeds must be [{batch.TotalTokens}, {text.HiddenSize}] for this batch, got [{string.Join(", ", inputsEmbeds.shape)}]",
                nameof(inputsEmbeds));
        var slots = new HashSet<int>();
        foreach (var chunk in batch.Chunks)
        {
            if (!cache.IsAllocated(chunk.Slot))
                throw new ArgumentException($"chunk {chunk}: slot {chunk.Slot} is not allocated", nameof(batch));
            if (!slots.Add(chunk.Slot))
                throw new ArgumentException($"chunk {chunk}: slot {chunk.Slot} appears twice in one batch", nameof(batch));
            if (chunk.Length < 1)
                throw new ArgumentException($"chunk {chunk}: length must be at least 1", nameof(batch));
            if (chunk.StartPosition < 0 || chunk.StartPosition > cache.Length(chunk.Slot))
                throw new ArgumentException(
                    $"chunk {chunk}: start position must be within the slot's {cache.Length(chunk.Slot)} cached tokens", nameof(batch));
            if (chunk.StartPosition + chunk.Length > cache.Capacity)
                throw new ArgumentException($"chunk {chunk}: exceeds the slot capacity of {cache.Capacity} tokens", nameof(batch));
            if (chunk.StartPosition + chunk.Length > text.MaxPositionEmbeddings)
                throw new ArgumentException(
                    $"chunk {chunk}: exceeds max_position_embeddings {text.MaxPositionEmbeddings}", nameof(batch));
        }
    }
}
