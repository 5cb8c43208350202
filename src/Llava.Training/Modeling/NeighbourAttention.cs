using Llava.Model.Config;
using Llava.Model.Vision;
using static TorchSharp.torch;

namespace Llava.Training.Modeling;

/// <summary>
/// Starts a fresh CLIP tower's first encoder layers as convolutions over the patch grid: head h of such a layer reads
/// the patch at a fixed offset (east, west, south, north, then the diagonals) from each patch, so the layer sums what
/// a 3×3 convolution over the patches would see, with the value and output projections as its (random) kernel.
/// A transformer shares nothing across positions but what its attention learns, and a small tower trained from nothing
/// learns that too slowly to name shapes a few pixels wide (README, "Training and the demo model"); a convolution has
/// it built in. The construction follows Cordonnier, Loukas and Jaggi (2020), "On the relationship between
/// self-attention and convolutional layers", with CLIP's learned absolute position embeddings standing in for
/// relative ones: a few dimensions of the position embedding hold a Fourier code of the patch's column and row, the
/// query rotates that code by the head's offset, and the key reads it unrotated, so the attention logit peaks at the
/// patch the offset points to. Nothing is frozen: training may keep or unlearn the pattern. The checkpoint layout is
/// the usual one, so the tower loads and serves like any other.
/// </summary>
public static class NeighbourAttention
{
    /// <summary>Nearest first, so a tower with fewer heads than eight still reads its four nearest neighbours.</summary>
    public static readonly (int Dx, int Dy)[] Offsets = [(1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, -1), (1, -1), (-1, 1)];

    /// <summary>
    /// The least share of a token's variance after <c>pre_layrnorm</c> that the position code holds (reached on the
    /// brightest picture): large enough that the layer norms scale the code about equally for every picture, which
    /// keeps each head's attention on its neighbour whatever the patch holds.
    /// </summary>
    private const double PositionShare = 0.85;

    /// <summary>Largest normalised pixel magnitude a patch can hold (white under OpenAI CLIP's mean and std).</summary>
    private const double BrightestPixel = 2.15;

    /// <summary>
    /// The attention logit of a head's own neighbour above any other patch's, on the brightest picture (darker ones
    /// give more): e⁻⁸ per rival keeps the head on its neighbour among the 144 patches of a 12 × 12 grid.
    /// </summary>
    private const double LogitMargin = 8;

    /// <summary>Sets the position code, the patch embedding's, <c>pre_layrnorm</c>'s and the first
    /// <paramref name="layers"/> layers' query and key weights; call after the usual random initialisation.</summary>
    /// <exception cref="ArgumentException">The tower has fewer than <paramref name="layers"/> layers, or heads too narrow
    /// for the position code.</exception>
    public static void Initialize(ClipVisionTransformer tower, ClipVisionConfig config, int layers, double initStd = ParameterInitializer.DefaultStd)
    {
        if (layers < 1 || layers > config.NumHiddenLayers)
            throw new ArgumentException($"--neighbour-attention {layers}: the tower has {config.NumHiddenLayers} layers", nameof(layers));
        var code = new PositionCode(config);
        var hidden = config.HiddenSize;
        var first = hidden - code.Dimensions;

        using var noGrad = no_grad();
        var contentRms = initStd * Math.Sqrt(config.NumChannels * config.PatchSize * config.PatchSize) * BrightestPixel;
        var codeRms = contentRms * Math.Sqrt(PositionShare / (1 - PositionShare) * first / code.Dimensions);
        var amplitude = codeRms * Math.Sqrt(2);

        var position = Read(tower.embeddings.position_embedding.weight);
        for (var patch = 0; patch < config.NumPatches; patch++)
        {
            var features = code.At(patch % code.Side, patch / code.Side);
            for (var d = 0; d < code.Dimensions; d++)
                position[(patch + 1) * hidden + first + d] = (float)(amplitude * features[d]);
        }
        for (var d = 0; d < code.Dimensions; d++)
            position[first + d] = 0;
        Write(tower.embeddings.position_embedding.weight, position);

        // The patches' content stays out of the code's dimensions, so it neither blurs the code nor is read as position.
        var patchEmbedding = Read(tower.embeddings.patch_embedding.weight);
        var perChannel = patchEmbedding.Length / hidden;
        Array.Clear(patchEmbedding, first * perChannel, code.Dimensions * perChannel);
        Write(tower.embeddings.patch_embedding.weight, patchEmbedding);

        // After pre_layrnorm the content dimensions hold what is left of unit variance; their gain brings them back to
        // the scale the rest of the tower was initialised for.
        var preNorm = Read(tower.pre_layrnorm.weight);
        var contentGain = Math.Sqrt(first / ((1 - PositionShare) * hidden));
        for (var d = 0; d < first; d++)
            preNorm[d] = (float)contentGain;
        Write(tower.pre_layrnorm.weight, preNorm);

        // Into layer_norm1 the code arrives with unit-variance content beside it (share 0.85 of unit variance plus the
        // content's (hidden - code) / hidden); what the layer norm leaves of the code sets the logits' scale.
        var normStd = Math.Sqrt(PositionShare + (double)first / hidden);
        var codeAfterNorm = Math.Sqrt(2 * PositionShare * hidden / code.Dimensions) / normStd;
        var scale = Math.Sqrt(LogitMargin * Math.Sqrt(config.HeadDim) / (codeAfterNorm * codeAfterNorm * code.Margin));
        var heads = Math.Min(config.NumAttentionHeads, Offsets.Length);
        for (var layer = 0; layer < layers; layer++)
        {
            var attention = tower.encoder.layers[layer].self_attn;
            var query = Read(attention.q_proj.weight);
            var key = Read(attention.k_proj.weight);
            for (var head = 0; head < heads; head++)
            {
                var rows = head * config.HeadDim;
                var rotation = code.Shift(Offsets[head].Dx, Offsets[head].Dy);
                for (var r = 0; r < code.Dimensions; r++)
                {
                    // The code's rows read the code alone, so what a patch holds does not move the head off its neighbour;
                    // the head's other rows keep their random start and can learn to attend by content.
                    Array.Clear(query, (rows + r) * hidden, hidden);
                    Array.Clear(key, (rows + r) * hidden, hidden);
                    for (var c = 0; c < code.Dimensions; c++)
                    {
                        query[(rows + r) * hidden + first + c] = (float)(scale * rotation[r, c]);
                        key[(rows + r) * hidden + first + c] = r == c ? (float)scale : 0f;
                    }
                }
            }
            Write(attention.q_proj.weight, query);
            Write(attention.k_proj.weight, key);
        }
    }

    private static float[] Read(Tensor weight) => weight.data<float>().ToArray();

    private static void Write(Tensor weight, float[] values)
    {
        using var source = tensor(values, weight.shape);
        weight.copy_(source);
    }

    /// <summary>
    /// Cosines and sines of a patch's column and row at m frequencies πk/side (0 &lt; k &lt; side): the dot product of two
    /// codes is, in each axis, a sum of cosines of the distance, highest where the patches coincide, and shifting a code
    /// by whole patches is a rotation of each (cos, sin) pair, which a query projection can do. The k are chosen
    /// greedily for the largest margin between that peak and any other distance: the lowest frequencies alone make a
    /// broad peak when a head has room for few of them.
    /// </summary>
    public sealed class PositionCode
    {
        private readonly int[] _ks;

        public int Side { get; }
        public int Frequencies => _ks.Length;
        public int Dimensions => 4 * Frequencies;

        /// <summary>How far the kernel's peak stands above its value at any other patch within the grid's reach.</summary>
        public double Margin { get; }

        private const double MinimumMargin = 1;

        public PositionCode(ClipVisionConfig config)
        {
            Side = config.PatchesPerSide;
            var frequencies = Math.Min(Side - 1, config.HeadDim / 4);
            if (Side < 2 || frequencies < 1)
                throw new ArgumentException($"neighbour attention needs at least 2 patches a side and heads of at least 4 dimensions " +
                                            $"(the tower has {Side} and {config.HeadDim})");
            var chosen = new List<int>();
            while (chosen.Count < frequencies)
                chosen.Add(Enumerable.Range(1, Side - 1).Except(chosen).MaxBy(k => MarginOf([.. chosen, k])));
            _ks = [.. chosen.Order()];
            Margin = MarginOf(_ks);
            // Below this the logits must be scaled so far that the layer norms' small shifts move the peak.
            if (Margin < MinimumMargin)
                throw new ArgumentException($"heads of {config.HeadDim} dimensions leave room for {frequencies} frequencies, too few " +
                                            $"to tell neighbours apart on a {Side} × {Side} grid: use fewer, wider heads or larger patches");
        }

        private double Omega(int j) => Math.PI * _ks[j] / Side;

        private double MarginOf(IReadOnlyList<int> ks)
        {
            double Kernel(int distance) => ks.Sum(k => Math.Cos(Math.PI * k / Side * distance));
            return Kernel(0) - Enumerable.Range(1, Side).Max(Kernel);
        }

        public double[] At(int column, int row)
        {
            var features = new double[Dimensions];
            for (var j = 0; j < Frequencies; j++)
            {
                var i = 4 * j;
                features[i] = Math.Cos(Omega(j) * column);
                features[i + 1] = Math.Sin(Omega(j) * column);
                features[i + 2] = Math.Cos(Omega(j) * row);
                features[i + 3] = Math.Sin(Omega(j) * row);
            }
            return features;
        }

        /// <summary>The linear map that turns the code of (column, row) into that of (column + dx, row + dy).</summary>
        public double[,] Shift(int dx, int dy)
        {
            var map = new double[Dimensions, Dimensions];
            for (var j = 0; j < Frequencies; j++)
            {
                var i = 4 * j;
                Rotate(map, i, Omega(j) * dx);
                Rotate(map, i + 2, Omega(j) * dy);
            }
            return map;
        }

        private static void Rotate(double[,] map, int at, double angle)
        {
            map[at, at] = Math.Cos(angle);
            map[at, at + 1] = -Math.Sin(angle);
            map[at + 1, at] = Math.Sin(angle);
            map[at + 1, at + 1] = Math.Cos(angle);
        }
    }
}
