using Llava.Engine.Tokenization;
using Llava.Training.Data;
using Llava.Training.Shapes;
using Llava.Training.Text;

namespace Llava.Training.Trainers;

/// <summary>
/// Turns data files into samples a stage can train on. A record that cannot be used — its image is missing, its turns
/// do not tokenize, or it is longer than the model's context — is skipped and reported with its id.
/// </summary>
public static class TrainingData
{
    public static (List<TokenSample> Samples, List<RecordIssue> Issues) Conversations(LlavaDataset data, ConversationEncoder encoder,
        ImageStore? images, int maxLength)
    {
        var samples = new List<TokenSample>(data.Records.Count);
        var issues = new List<RecordIssue>(data.Issues);
        foreach (var record in data.Records)
        {
            var label = $"id {record.Id}";
            if (record.Image is not null && images is null)
            {
                issues.Add(new(label, "the record has an image but no image folder was given"));
                continue;
            }
            if (record.Image is not null && !images!.Exists(record.Image))
            {
                issues.Add(new(label, $"image file not found: {images.PathOf(record.Image)}"));
                continue;
            }
            EncodedConversation encoded;
            try
            {
                encoded = encoder.Encode(record);
            }
            catch (FormatException e)
            {
                issues.Add(new(label, e.Message));
                continue;
            }
            if (encoded.Ids.Length > maxLength)
            {
                issues.Add(new(label, $"{encoded.Ids.Length} tokens exceed the context of {maxLength}"));
                continue;
            }
            samples.Add(new TokenSample(record.Id, encoded, record.Image));
        }
        return (samples, issues);
    }

    /// <summary>One document per non-empty line; every token is a target.</summary>
    public static (List<TokenSample> Samples, List<RecordIssue> Issues) TextLines(string path, ConversationEncoder encoder, int maxLength)
    {
        var samples = new List<TokenSample>();
        var issues = new List<RecordIssue>();
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var encoded = encoder.EncodeText(line);
            if (encoded.Ids.Length > maxLength)
            {
                issues.Add(new($"line {number}", $"{encoded.Ids.Length} tokens exceed the context of {maxLength}"));
                continue;
            }
            if (encoded.Ids.Length < 2)
            {
                issues.Add(new($"line {number}", "too short to predict anything"));
                continue;
            }
            samples.Add(new TokenSample($"line {number}", encoded, null));
        }
        return (samples, issues);
    }

    /// <summary>The first answer of each image record is its caption, as in LLaVA-CC3M-Pretrain-595K.</summary>
    public static (List<CaptionSample> Samples, List<RecordIssue> Issues) Captions(LlavaDataset data, LlavaTokenizer tokenizer,
        ImageStore images, int maxLength)
    {
        var samples = new List<CaptionSample>(data.Records.Count);
        var issues = new List<RecordIssue>(data.Issues);
        foreach (var record in data.Records)
        {
            var label = $"id {record.Id}";
            if (record.Image is null)
            {
                issues.Add(new(label, "a caption record needs an image"));
                continue;
            }
            if (!images.Exists(record.Image))
            {
                issues.Add(new(label, $"image file not found: {images.PathOf(record.Image)}"));
                continue;
            }
            var ids = tokenizer.Encode(record.Conversations[1].Value).Append(tokenizer.EosTokenId).ToArray();
            if (ids.Length > maxLength)
            {
                issues.Add(new(label, $"the caption's {ids.Length} tokens exceed {maxLength}"));
                continue;
            }
            samples.Add(new CaptionSample(record.Id, record.Image, ids));
        }
        return (samples, issues);
    }

    /// <summary>
    /// Captions of annotated scenes (scenes.json) with <paramref name="negatives"/> hard-negative captions each, drawn
    /// once from a stream seeded by <paramref name="seed"/>.
    /// </summary>
    public static (List<CaptionSample> Samples, List<RecordIssue> Issues) SceneCaptions(IReadOnlyList<SceneAnnotation> scenes,
        LlavaTokenizer tokenizer, ImageStore images, int maxLength, int negatives, int seed)
    {
        var random = new Random(seed);
        var samples = new List<CaptionSample>(scenes.Count);
        var issues = new List<RecordIssue>();
        int[] Encode(string text) => tokenizer.Encode(text).Append(tokenizer.EosTokenId).ToArray();
        foreach (var scene in scenes)
        {
            var label = $"id {scene.Id}";
            if (!images.Exists(scene.Image))
            {
                issues.Add(new(label, $"image file not found: {images.PathOf(scene.Image)}"));
                continue;
            }
            if (scene.Captions.Count == 0)
            {
                issues.Add(new(label, "the scene has no caption"));
                continue;
            }
            var caption = Encode(scene.Captions[0]);
            var hard = HardNegativeCaptions.For(scene, random, negatives).Select(Encode).ToList();
            if (hard.Prepend(caption).Any(ids => ids.Length > maxLength))
            {
                issues.Add(new(label, $"a caption exceeds {maxLength} tokens"));
                continue;
            }
            samples.Add(new CaptionSample(scene.Id, scene.Image, caption, hard, scene.Objects));
        }
        return (samples, issues);
    }
}
