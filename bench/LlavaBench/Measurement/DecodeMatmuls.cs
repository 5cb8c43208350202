using Llava.Model.Config;
using Llava.Model.Layers;
using Llava.Model.Tensors;
using static TorchSharp.torch;

namespace LlavaBench.Measurement;

/// <summary>
/// The matrix multiplications of one decode step and nothing else: per decoder layer the fused Q/K/V projection,
/// the output projection, the fused gate/up projection and the down projection, then the output head, for
/// <c>rows</c> tokens, in the model's dtype and through the model's matmul path (<see cref="MatmulPrecision"/>: the
/// managed few-row kernel where the model uses it, with the step's thread hand-over, libtorch elsewhere). Shapes come from the config, so the floor does not depend on how
/// the model code groups its weights; each layer gets weights of its own, so the step streams as many bytes
/// from memory as the model's does. A decode step can approach this time but not beat it.
/// </summary>
public sealed class DecodeMatmuls : IDisposable
{
    private readonly List<(Tensor Weight, long InFeatures)> _steps = [];
    private readonly Dictionary<(int Rows, long Features), Tensor> _inputs = [];
    private readonly ScalarType _dtype;
    private readonly MatmulPrecision? _precision;

    public DecodeMatmuls(LlamaTextConfig text, ScalarType dtype, MatmulPrecision? precision)
    {
        _dtype = dtype;
        _precision = precision;
        long hidden = text.HiddenSize, attention = (long)text.NumAttentionHeads * text.AttentionHeadDim;
        long keyValue = (long)text.KeyValueHeads * text.AttentionHeadDim, intermediate = text.IntermediateSize;
        for (var layer = 0; layer < text.NumHiddenLayers; layer++)
        {
            Add(attention + 2 * keyValue, hidden);
            Add(hidden, attention);
            Add(2 * intermediate, hidden);
            Add(hidden, intermediate);
        }
        Add(text.VocabSize, hidden);
    }

    /// <summary>The weights' parameter count (for the log: the floor allocates as much as the decoder's matrices).</summary>
    public long Parameters => _steps.Sum(s => s.Weight.numel());

    /// <summary>Runs every matmul of one step for <paramref name="rows"/> tokens (inputs are made once per row count).</summary>
    public void Run(int rows)
    {
        using var inference = inference_mode(true);
        // As in the model's step: matmuls that all run in the managed kernel get libtorch's threads as spinning workers.
        using var threads = _precision is { FewRowKernelRows: > 0 } kernels && rows <= kernels.FewRowKernelRows ? KernelThreads.HandOver() : null;
        foreach (var (weight, inFeatures) in _steps)
        {
            if (!_inputs.TryGetValue((rows, inFeatures), out var input))
                _inputs[(rows, inFeatures)] = input = randn(rows, inFeatures, dtype: _dtype);
            MatmulPrecision.Linear(input, weight, null, _precision).Dispose();
        }
    }

    private void Add(long outFeatures, long inFeatures)
    {
        using var inference = inference_mode(true);
        _steps.Add((randn(outFeatures, inFeatures, dtype: _dtype), inFeatures));
    }

    public void Dispose()
    {
        foreach (var (weight, _) in _steps) weight.Dispose();
        foreach (var input in _inputs.Values) input.Dispose();
    }
}
