using Llava.Engine.Imaging;
using Llava.Engine.Prompting;
using Llava.Engine.Tokenization;
using Llava.Model;
using Llava.TestSupport;
using Llava.Training.Data;
using Llava.Training.Modeling;
using Llava.Training.Shapes;
using Llava.Training.Text;
using Llava.Training.Trainers;

namespace Llava.Training.Tests.Support;

/// <summary>
/// A tiny random model (24-pixel images, 3×3 patches, a one-layer 32-wide Llama) with the committed shapes tokenizer,
/// and a small rendered shapes dataset for it: enough to run every stage in well under a second per step. The data
/// is the classic world's, whose image size can be set to the model's 24 pixels.
/// </summary>
public sealed class TinySetup : IDisposable
{
    public const int ImageSize = 24;

    private const string Config = """
        {
          "architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
          "image_token_index": 768, "pad_token_id": 769, "projector_hidden_act": "gelu",
          "vision_feature_layer": -2, "vision_feature_select_strategy": "default", "vocab_size": 770,
          "text_config": {"model_type": "llama", "vocab_size": 770, "hidden_size": 32, "intermediate_size": 64,
            "num_hidden_layers": 1, "num_attention_heads": 2, "max_position_embeddings": 256, "rms_norm_eps": 1e-5},
          "vision_config": {"model_type": "clip_vision_model", "hidden_size": 16, "intermediate_size": 32,
            "num_hidden_layers": 2, "num_attention_heads": 2, "image_size": 24, "patch_size": 8}
        }
        """;

    private readonly TempDir _dir = new();

    public TinySetup(int trainScenes = 16, int seed = 1)
    {
        File.WriteAllText(_dir.File("config.json"), Config);
        ModelDir = _dir.File("model");
        NewModel.Create(_dir.File("config.json"), TokenizerDir, ModelDir, seed);
        DataDir = _dir.File("data");
        ShapesDatasetBuilder.Build(DataDir, new ShapesDataOptions(trainScenes, 4, 1, seed, ImageSize, ShapesWorld.Classic),
            ChatTemplate.FromModelDirectory(TokenizerDir));
        Tokenizer = LlavaTokenizer.Load(ModelDir);
        Template = ChatTemplate.FromModelDirectory(ModelDir);
        Images = new ImageStore(Path.Combine(DataDir, ShapesDataset.ImagesFolder), ClipImageProcessor.Load(ModelDir));
    }

    public static string TokenizerDir => Path.Combine(RepoPaths.Root, "training-data", "shapes", "tokenizer");

    public string ModelDir { get; }
    public string DataDir { get; }
    public LlavaTokenizer Tokenizer { get; }
    public ChatTemplate Template { get; }
    public ImageStore Images { get; }

    public string Scratch(string name) => _dir.File(name);

    public LlavaForConditionalGeneration LoadModel() => LlavaForConditionalGeneration.FromPretrained(ModelDir);

    public ConversationEncoder Encoder(LlavaForConditionalGeneration model) => new(Tokenizer, Template, model.Config.ImageSeqLen);

    /// <summary>The instruction (or caption) records of the dataset, encoded for <paramref name="model"/>.</summary>
    public List<TokenSample> Samples(LlavaForConditionalGeneration model, string file = ShapesDataset.Instruct)
    {
        var (samples, issues) = TrainingData.Conversations(LlavaJson.Read(Path.Combine(DataDir, file)), Encoder(model), Images, 256);
        Assert.Empty(issues);
        return samples;
    }

    public void Dispose() => _dir.Dispose();
}
