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

        var train = Split("train", options.TrainScenes, options.Seed, options, imagesDir);
        var validation = Split("val", options.ValidationScenes, options.Seed + 1, options, imagesDir);
        var text = new Random(options.Seed + 3);
        var pretrain = train.Select(s => InstructionRecords.Caption(s.Scene, s.Image, text)).ToList();
        var instruct = train.Select(s => InstructionRecords.For(s.Scene, s.Image, text)).ToList();
        var pretrainVal = validation.Select(s => InstructionRecords.Caption(s.Scene, s.Image, text)).ToList();
        var instructVal = validation.Select(s => InstructionRecords.For(s.Scene, s.Image, text)).ToList();
        LlavaJson.Write(Path.Combine(outDir, ShapesDataset.Pretrain), pretrain);
        LlavaJson.Write(Path.Combine(outDir, ShapesDataset.Instruct), instruct);
        LlavaJson.Write(Path.Combine(outDir, ShapesDataset.PretrainValidation), pretrainVal);
        LlavaJson.Write(Path.Combine(outDir, ShapesDataset.InstructValidation), instructVal);
        SceneAnnotationsJson.Write(Path.Combine(outDir, ShapesDataset.Scenes), train.Select(s => SceneAnnotation.From(s.Scene, s.Image)));

        var questions = BuildEval(outDir, options);

        File.WriteAllLines(Path.Combine(outDir, ShapesDataset.LanguageCorpus),
            pretrain.Concat(instruct).Select(r => TextOnly(template, r)));
        File.WriteAllLines(Path.Combine(outDir, ShapesDataset.LanguageCorpusValidation),
            pretrainVal.Concat(instructVal).Select(r => TextOnly(template, r)));
        File.WriteAllLines(Path.Combine(outDir, ShapesDataset.TokenizerCorpus),
            pretrain.Concat(instruct).SelectMany(r => TokenizerCorpus.Lines(template, r)));

        return new Summary(train.Count + validation.Count + questions.Count, pretrain.Count, instruct.Count, questions.Count);
    }

    /// <summary>
    /// Writes only the held-out evaluation images and <c>eval.json</c>, the same ones <see cref="Build"/> writes for
    /// these options (their random streams are the evaluation split's own), so a shipped model can be checked
    /// without regenerating its training data.
    /// </summary>
    public static IReadOnlyList<EvalQuestion> BuildEval(string outDir, ShapesDataOptions options)
    {
        var imagesDir = Path.Combine(outDir, ShapesDataset.ImagesFolder);
        Directory.CreateDirectory(imagesDir);
        var scenes = Split("eval", options.EvalQuestionsPerKind * Enum.GetValues<QuestionKind>().Length, options.Seed + 2,
            options, imagesDir);
        var questions = EvalQuestions(scenes, new Random(options.Seed + 4));
        EvalQuestionsJson.Write(Path.Combine(outDir, ShapesDataset.Eval), questions);
        return questions;
    }

    private static List<(Scene Scene, string Image)> Split(string name, int count, int seed, ShapesDataOptions options, string imagesDir)
    {
        var generator = new SceneGenerator(seed, options.ImageSize);
        var scenes = new List<(Scene, string)>(count);
        for (var i = 0; i < count; i++)
        {
            var scene = generator.Next($"{name}-{i:D6}");
            var image = $"{scene.Id}.png";
            File.WriteAllBytes(Path.Combine(imagesDir, image), SceneRenderer.RenderPng(scene, generator.ColorJitter));
            scenes.Add((scene, image));
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
