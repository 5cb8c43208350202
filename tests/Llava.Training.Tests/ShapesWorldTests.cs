using System.Security.Cryptography;
using Llava.Engine.Imaging;
using Llava.Training.Data;
using Llava.Training.Evaluation;
using Llava.Training.Shapes;
using Llava.Training.Tests.Support;

namespace Llava.Training.Tests;

public sealed class ShapesWorldTests
{
    [Fact]
    public void The_same_seed_renders_the_same_images()
    {
        static string Render(int seed)
        {
            var generator = new SceneGenerator(seed);
            var pngs = Enumerable.Range(0, 5).Select(i => SceneRenderer.RenderPng(generator.Next($"s{i}"), generator.ColorJitter));
            return Convert.ToHexString(SHA256.HashData(pngs.SelectMany(p => p).ToArray()));
        }

        Assert.Equal(Render(7), Render(7));
        Assert.NotEqual(Render(7), Render(8));
    }

    [Fact]
    public void Scenes_have_distinct_shapes_colours_and_cells_in_reading_order()
    {
        var generator = new SceneGenerator(1);
        for (var i = 0; i < 300; i++)
        {
            var scene = generator.Next($"s{i}");
            Assert.InRange(scene.Objects.Count, 1, SceneGenerator.MaxObjects);
            Assert.Equal(scene.Objects.Count, scene.Objects.Select(o => o.Shape).Distinct().Count());
            Assert.Equal(scene.Objects.Count, scene.Objects.Select(o => o.Color).Distinct().Count());
            Assert.Equal(scene.Objects.Count, scene.Objects.Select(o => o.Position).Distinct().Count());
            var order = scene.Objects.Select(o => o.Position.Row * 3 + o.Position.Column).ToList();
            Assert.Equal(order.Order(), order);
            foreach (var item in scene.Objects)
            {
                // The box is centred in the object's grid cell and the points of a large star or triangle reach at
                // most a pixel past it, so the position name is never ambiguous.
                var cell = scene.ImageSize / 3;
                Assert.InRange(item.Box.X0, item.Position.Column * cell - 1, (item.Position.Column + 1) * cell + 1);
                Assert.InRange(item.Box.X1, item.Position.Column * cell - 1, (item.Position.Column + 1) * cell + 1);
                Assert.InRange(item.Box.Y0, item.Position.Row * cell - 1, (item.Position.Row + 1) * cell + 1);
                Assert.InRange(item.Box.Y1, item.Position.Row * cell - 1, (item.Position.Row + 1) * cell + 1);
                Assert.Equal(item.Position.Column, (item.Box.X0 + item.Box.X1) / 2 / cell);
                Assert.Equal(item.Position.Row, (item.Box.Y0 + item.Box.Y1) / 2 / cell);
            }
        }
    }

    [Fact]
    public void Each_shape_is_drawn_in_its_colour_at_its_centre()
    {
        var generator = new SceneGenerator(5);
        for (var i = 0; i < 20; i++)
        {
            var scene = generator.Next($"s{i}");
            var image = ImageDecoder.Decode(SceneRenderer.RenderPng(scene, generator.ColorJitter), new ImageLimits());
            foreach (var item in scene.Objects)
            {
                var offset = ((int)item.CenterY * image.Width + (int)item.CenterX) * 3;
                var pixel = new[] { image.Rgb[offset], image.Rgb[offset + 1], image.Rgb[offset + 2] };
                var expected = new[] { item.Color.R, item.Color.G, item.Color.B };
                for (var c = 0; c < 3; c++)
                    Assert.InRange(Math.Abs(pixel[c] - expected[c]), 0, 14);
            }
        }
    }

    [Fact]
    public void Captions_descriptions_and_answers_state_the_ground_truth()
    {
        var circle = new SceneObject(ShapeKind.Circle, ShapeColor.Named("red"), true, new GridPosition(0, 0), 12, 12, 9, new(3, 3, 21, 21));
        var star = new SceneObject(ShapeKind.Star, ShapeColor.Named("blue"), false, new GridPosition(1, 2), 60, 36, 6, new(53, 29, 67, 43));
        var scene = new Scene("s", 72, 240, [circle, star]);

        Assert.Equal("A large red circle at the top left and a small blue star on the right.", SceneText.Caption(scene));
        Assert.Equal("The image shows two shapes on a light gray background. A large red circle is at the top left. " +
                     "A small blue star is on the right.", SceneText.Description(scene));
        var random = new Random(1);
        var count = SceneQuestions.Ask(QuestionKind.Count, scene, random);
        Assert.Equal("There are two shapes.", count.Answer);
        Assert.Equal(["two"], count.Expected);
        var describe = SceneQuestions.Ask(QuestionKind.Describe, scene, random);
        Assert.Equal(["red circle", "blue star"], describe.Expected);
    }

    [Fact]
    public void The_dataset_builder_writes_every_split_and_valid_records()
    {
        using var dir = new TempDir();
        var summary = ShapesDatasetBuilder.Build(dir.Path, new ShapesDataOptions(20, 5, 2, 1),
            Engine.Prompting.ChatTemplate.FromModelDirectory(TinySetup.TokenizerDir));

        // Two evaluation sets in the wide world: its own renderer's and the independent one's.
        Assert.Equal(20 + 5 + 2 * 10, summary.Images);
        Assert.Equal(summary.Images, Directory.GetFiles(Path.Combine(dir.Path, ShapesDataset.ImagesFolder)).Length);
        foreach (var file in new[] { ShapesDataset.Pretrain, ShapesDataset.Instruct, ShapesDataset.PretrainValidation, ShapesDataset.InstructValidation })
            Assert.Empty(LlavaJson.Read(Path.Combine(dir.Path, file)).Issues);
        var eval = EvalQuestionsJson.Read(Path.Combine(dir.Path, ShapesDataset.Eval));
        Assert.Equal(Enum.GetValues<QuestionKind>().SelectMany(k => new[] { k, k }).Order(), eval.Select(q => q.Kind).Order());
        Assert.All(eval, q => Assert.True(AnswerScorer.IsCorrect(q.Kind, q.Expected, q.Reference), q.Reference));
        var scenes = SceneAnnotationsJson.Read(Path.Combine(dir.Path, ShapesDataset.Scenes));
        Assert.Equal(20, scenes.Count);
        Assert.DoesNotContain(File.ReadLines(Path.Combine(dir.Path, ShapesDataset.LanguageCorpus)), l => l.Contains("<image>"));
    }

    [Fact]
    public void Hard_negative_captions_are_near_misses_of_the_true_caption()
    {
        var generator = new SceneGenerator(3);
        var random = new Random(1);
        for (var i = 0; i < 100; i++)
        {
            var scene = generator.Next($"s{i}");
            var annotation = SceneAnnotation.From(scene, "x.png");
            Assert.Equal(SceneText.Caption(scene), HardNegativeCaptions.Caption(annotation.Objects));
            var negatives = HardNegativeCaptions.For(annotation, random, 3);
            Assert.Equal(3, negatives.Count);
            foreach (var negative in negatives)
            {
                Assert.NotEqual(annotation.Captions[0], negative);
                // Same number of objects, so the difference is an attribute or a binding, not a count.
                Assert.Equal(annotation.Captions[0].Count(c => c == ','), negative.Count(c => c == ','));
            }
        }
    }

    [Fact]
    public void Conversations_ask_only_questions_the_scene_answers()
    {
        var generator = new SceneGenerator(4);
        var random = new Random(2);
        for (var i = 0; i < 50; i++)
        {
            var scene = generator.Next($"s{i}");
            var record = InstructionRecords.Conversation(scene, "x.png", random);
            Assert.InRange(record.Conversations.Count, 2, 12);
            LlavaRecordValidator.Validate(record);
            foreach (var answer in record.Conversations.Where(t => t.From == LlavaTurn.Gpt).Select(t => t.Value))
            {
                var mentioned = ShapeColor.All.Select(c => c.Name).Where(c => answer.Contains(c, StringComparison.Ordinal));
                Assert.All(mentioned, colour => Assert.Contains(scene.Objects, o => o.Color.Name == colour));
            }
        }
    }

    [Fact]
    public void No_conversation_answer_can_be_copied_from_an_earlier_turn()
    {
        var generator = new SceneGenerator(6);
        var random = new Random(3);
        var colours = ShapeColor.All.Select(c => c.Name).ToList();
        var shapes = ShapeKinds.All.Select(s => s.Word()).ToList();
        for (var i = 0; i < 300; i++)
        {
            var record = InstructionRecords.Conversation(generator.Next($"s{i}"), "x.png", random);
            var earlier = "";
            for (var t = 0; t < record.Conversations.Count; t += 2)
            {
                var question = record.Conversations[t].Value;
                var answer = record.Conversations[t + 1].Value;
                var key = question.Contains("colo", StringComparison.Ordinal) ? colours.Single(c => answer.Contains(c, StringComparison.Ordinal))
                    : question.StartsWith("What shape", StringComparison.Ordinal) ? shapes.Single(s => answer.Contains(s, StringComparison.Ordinal))
                    : null;
                if (key is not null)
                    Assert.DoesNotContain(key, earlier);
                earlier += question + " " + answer + " ";
            }
        }
    }

    [Fact]
    public void A_json_listing_names_every_shape_in_reading_order_under_the_readme_schema()
    {
        var generator = new SceneGenerator(9);
        var random = new Random(5);
        for (var i = 0; i < 50; i++)
        {
            var scene = generator.Next($"s{i}");
            var record = InstructionRecords.JsonListing(scene, "x.png", random);
            LlavaRecordValidator.Validate(record);
            using var answer = System.Text.Json.JsonDocument.Parse(record.Conversations[1].Value);
            var root = answer.RootElement;
            Assert.Equal(["shapes"], root.EnumerateObject().Select(p => p.Name));
            var listed = root.GetProperty("shapes").EnumerateArray().ToList();
            Assert.Equal(scene.Objects.Count, listed.Count);
            for (var k = 0; k < listed.Count; k++)
            {
                Assert.Equal(["colour", "shape", "position"], listed[k].EnumerateObject().Select(p => p.Name));
                Assert.Equal(scene.Objects[k].Color.Name, listed[k].GetProperty("colour").GetString());
                Assert.Equal(scene.Objects[k].Shape.Word(), listed[k].GetProperty("shape").GetString());
                Assert.Equal(scene.Objects[k].Position.Name, listed[k].GetProperty("position").GetString());
            }
        }
    }
}
