namespace Llava.Training.Shapes;

/// <summary>The file layout <see cref="ShapesDatasetBuilder"/> writes into a data folder.</summary>
public static class ShapesDataset
{
    public const string ImagesFolder = "images";
    public const string Scenes = "scenes.json";

    /// <summary>Captions and boxes of the validation scenes, for measuring the vision tower's patch probe.</summary>
    public const string ValidationScenes = "scenes-val.json";

    /// <summary>Captions and boxes of the independent-renderer evaluation pictures (wide world only), for the same probe.</summary>
    public const string IndependentScenes = "scenes-independent.json";
    public const string Pretrain = "pretrain.json";
    public const string PretrainValidation = "pretrain-val.json";
    public const string Instruct = "instruct.json";
    public const string InstructValidation = "instruct-val.json";
    public const string Eval = "eval.json";

    /// <summary>Held-out questions on pictures of the wide world drawn by the independent renderer (wide world only).</summary>
    public const string IndependentEval = "eval-independent.json";
    public const string LanguageCorpus = "lm-corpus.txt";
    public const string LanguageCorpusValidation = "lm-corpus-val.txt";
    public const string TokenizerCorpus = "tokenizer-corpus.txt";
}
