using Llava.Engine.Prompting;
using Llava.Training.Data;
using Llava.Training.Evaluation;
using Llava.Training.Text;

namespace Llava.Training.Shapes;

/// <summary>
/// Writes the whole shapes dataset from one seed: images, scene annotations (captions and boxes), stage-1 caption
/// data, stage-2 instruction data, validation splits, held-out evaluation questions, and the text corpora for the
/// language model and the tokenizer. Train, validation and evaluation images come from separate random streams.
/// </summary>
public static class ShapesDatasetBuilder
{
    public sealed record Summary(int Images, int PretrainRecords, int InstructRecords, int EvalQuestions);

    /// <param name="template">The chat template the model will use; the corpora are rendered with it.</param>
    public static Summary Build(string outDir, ShapesDataOptions options, ChatTemplate template)
    {
        var imagesDir = Path.Combine(outDir, ShapesDataset.ImagesFolder);
        Directory.CreateDirectory(imagesDir);

        var train = Split("train", options.TrainScenes, SceneSources.Training(options.World, options.Seed, options.ImageSize), imagesDir);
        var validation = Split("val", options.ValidationScenes, SceneSources.Training(options.World, options.Seed + 1, options.ImageSize), imagesDir);
        var text = new Random(options.Seed + 3);
        var pretrain = train.Select(s => InstructionRecords.Caption(s.Scene, s.Image, text)).ToList();
        var instruct = train.Select(s => InstructionRecords.For(s.Scene, s.Image, text)).ToList();
        var pretrainVal = validation.Select(s => InstructionRecords.Caption(s.Scene, s.Image, text)).ToList();
        var instructVal = validation.Select(s => InstructionRecords.For(s.Scene, s.Image, text)).ToList();
        // Drawn after, and from a stream of their own, so the other records stay those of the recipe before them.
        var listings = new Random(options.Seed + 7);
        instruct.AddRange(JsonListings(train, listings));
        instructVal.AddRange(JsonListings(validation, listings));
        LlavaJson.Write(Path.Combine(outDir, ShapesDataset.Pretrain), pretrain);
        LlavaJson.Write(Path.Combine(outDir, ShapesDataset.Instruct), instruct);
        LlavaJson.Write(Path.Combine(outDir, ShapesDataset.PretrainValidation), pretrainVal);
        LlavaJson.Write(Path.Combine(outDir, ShapesDataset.InstructValidation), instructVal);
        SceneAnnotationsJson.Write(Path.Combine(outDir, ShapesDataset.Scenes), train.Select(s => SceneAnnotation.From(s.Scene, s.Image)));
        SceneAnnotationsJson.Write(Path.Combine(outDir, ShapesDataset.ValidationScenes), validation.Select(s => SceneAnnotation.From(s.Scene, s.Image)));

        var evalSets = BuildEval(outDir, options);

        File.WriteAllLines(Path.Combine(outDir, ShapesDataset.LanguageCorpus),
            pretrain.Concat(instruct).Select(r => TextOnly(template, r)));
        File.WriteAllLines(Path.Combine(outDir, ShapesDataset.LanguageCorpusValidation),
            pretrainVal.Concat(instructVal).Select(r => TextOnly(template, r)));
        File.WriteAllLines(Path.Combine(outDir, ShapesDataset.TokenizerCorpus),
            pretrain.Concat(instruct).SelectMany(r => TokenizerCorpus.Lines(template, r)));

        var questions = evalSets.Sum(e => e.Questions.Count);
        return new Summary(train.Count + validation.Count + questions, pretrain.Count, instruct.Count, questions);
    }

    /// <summary>A JSON listing (<see cref="InstructionRecords.JsonListing"/>) for about every tenth scene, as a second record of its image.</summary>
    private static List<LlavaRecord> JsonListings(List<(Scene Scene, string Image)> scenes, Random random) =>
        scenes.Where(_ => random.NextDouble() < 0.1).Select(s => InstructionRecords.JsonListing(s.Scene, s.Image, random)).ToList();

    /// <summary>
    /// Writes only the held-out evaluation images and question files — <c>eval.json</c>, and in the wide world
    /// <c>eval-independent.json</c> with its pictures' boxes in <c>scenes-independent.json</c> — the same ones <see cref="Build"/> writes for these options (their random streams
    /// are the evaluation splits' own), so a shipped model can be checked without regenerating its training data.
    /// </summary>
    public static IReadOnlyList<EvalSet> BuildEval(string outDir, ShapesDataOptions options)
    {
        var imagesDir = Path.Combine(outDir, ShapesDataset.ImagesFolder);
        Directory.CreateDirectory(imagesDir);
        var count = options.EvalQuestionsPerKind * Enum.GetValues<QuestionKind>().Length;
        var sets = new List<EvalSet>
        {
            WriteEval(outDir, EvalSet.InDistribution, ShapesDataset.Eval,
                Split("eval", count, SceneSources.Training(options.World, options.Seed + 2, options.ImageSize), imagesDir), options.Seed + 4),
        };
        if (options.World == ShapesWorld.Wide)
        {
            var independent = Split("independent", count, SceneSources.Independent(options.Seed + 5), imagesDir);
            sets.Add(WriteEval(outDir, EvalSet.IndependentRenderer, ShapesDataset.IndependentEval, independent, options.Seed + 6));
            SceneAnnotationsJson.Write(Path.Combine(outDir, ShapesDataset.IndependentScenes),
                independent.Select(s => SceneAnnotation.From(s.Scene, s.Image)));
        }
        return sets;
    }

    private static EvalSet WriteEval(string outDir, string name, string file, List<(Scene Scene, string Image)> scenes, int seed)
    {
        var questions = EvalQuestions(scenes, new Random(seed));
        EvalQuestionsJson.Write(Path.Combine(outDir, file), questions);
        return new EvalSet(name, questions);
    }

    private static List<(Scene Scene, string Image)> Split(string name, int count, Func<string, RenderedScene> source, string imagesDir)
    {
        var scenes = new List<(Scene, string)>(count);
        for (var i = 0; i < count; i++)
        {
            var drawn = source($"{name}-{i:D6}");
            var image = drawn.Scene.Id + drawn.Extension;
            File.WriteAllBytes(Path.Combine(imagesDir, image), drawn.Image);
            scenes.Add((drawn.Scene, image));
        }
        return scenes;
    }

    /// <summary>Kinds interleave so any prefix of the file is balanced.</summary>
    private static List<EvalQuestion> EvalQuestions(List<(Scene Scene, string Image)> scenes, Random random)
    {
        var kinds = Enum.GetValues<QuestionKind>();
        var questions = new List<EvalQuestion>(scenes.Count);
        for (var i = 0; i < scenes.Count; i++)
        {
            var kind = kinds[i % kinds.Length];
            var qa = SceneQuestions.Ask(kind, scenes[i].Scene, random);
            questions.Add(new EvalQuestion(scenes[i].Scene.Id, scenes[i].Image, kind, qa.Question, qa.Answer, qa.Expected!));
        }
        return questions;
    }

    /// <summary>The conversation without its image, one line, for language-model pretraining.</summary>
    private static string TextOnly(ChatTemplate template, LlavaRecord record)
    {
        var turns = record.Conversations
            .Select(t => t with { Value = t.Value.Replace(LlavaTurn.ImagePlaceholder, "", StringComparison.Ordinal).Trim() })
            .ToList();
        return template.Render(LlavaMessages.From(record with { Image = null, Conversations = turns }), addGenerationPrompt: false)
            .ReplaceLineEndings(" ");
    }
}
