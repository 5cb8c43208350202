using System.Security.Cryptography;
using Llava.Engine.Imaging;
using Llava.TestSupport;
using Llava.Training.Evaluation;
using Llava.Training.Shapes;
using Llava.Training.Shapes.Wide;
using Llava.Training.Tests.Support;

namespace Llava.Training.Tests;

public sealed class WideShapesWorldTests
{
    private static readonly ClipImageProcessor Processor = ClipImageProcessor.Load(RepoPaths.ShapesModel);

    private static List<WideScene> Scenes(int seed, int count, double plainShare = 0.1)
    {
        var generator = new WideSceneGenerator(seed, plainShare);
        return Enumerable.Range(0, count).Select(i => generator.Next($"s{i}")).ToList();
    }

    [Fact]
    public void The_same_seed_gives_the_same_images_from_both_renderers()
    {
        static string Render(int seed, Func<string, RenderedScene> source) =>
            Convert.ToHexString(SHA256.HashData(Enumerable.Range(0, 12).SelectMany(i => source($"s{i}").Image).ToArray()));

        Assert.Equal(Render(7, SceneSources.Training(ShapesWorld.Wide, 7, 72)), Render(7, SceneSources.Training(ShapesWorld.Wide, 7, 72)));
        Assert.NotEqual(Render(7, SceneSources.Training(ShapesWorld.Wide, 7, 72)), Render(8, SceneSources.Training(ShapesWorld.Wide, 8, 72)));
        Assert.Equal(Render(7, SceneSources.Independent(7)), Render(7, SceneSources.Independent(7)));
    }

    [Fact]
    public void Positions_are_named_from_the_centre_away_from_cell_borders_and_shapes_stay_inside_the_crop()
    {
        foreach (var wide in Scenes(1, 500))
        {
            var scene = wide.Scene;
            var side = scene.ImageSize;
            Assert.InRange(scene.Objects.Count, 1, SceneGenerator.MaxObjects);
            Assert.Equal(scene.Objects.Count, scene.Objects.Select(o => o.Shape).Distinct().Count());
            Assert.Equal(scene.Objects.Count, scene.Objects.Select(o => o.Color).Distinct().Count());
            Assert.Equal(scene.Objects.Count, scene.Objects.Select(o => o.Position).Distinct().Count());
            Assert.Equal(Math.Min(wide.Width, wide.Height), side);
            foreach (var item in scene.Objects)
            {
                Assert.Equal(new GridPosition((int)(item.CenterY * 3 / side), (int)(item.CenterX * 3 / side)), item.Position);
                foreach (var border in new[] { side / 3.0, side * 2 / 3.0 })
                {
                    Assert.True(Math.Abs(item.CenterX - border) >= 0.039 * side, $"{scene.Id}: x {item.CenterX} near {border}");
                    Assert.True(Math.Abs(item.CenterY - border) >= 0.039 * side, $"{scene.Id}: y {item.CenterY} near {border}");
                }
                var reach = item.Radius * ShapeOutline.Reach(item.Shape);
                Assert.InRange(item.CenterX - reach, 0, side);
                Assert.InRange(item.CenterX + reach, 0, side);
                Assert.InRange(item.CenterY - reach, 0, side);
                Assert.InRange(item.CenterY + reach, 0, side);
                var diameter = 2 * item.Radius / side;
                Assert.InRange(diameter, WideSceneGenerator.SmallMin - 1e-6, WideSceneGenerator.LargeMax + 1e-6);
                Assert.Equal(diameter >= WideSceneGenerator.LargeMin, item.Large);
                Assert.False(diameter > WideSceneGenerator.SmallMax + 1e-6 && diameter < WideSceneGenerator.LargeMin - 1e-6);
            }
        }
    }

    [Fact]
    public void Every_variation_of_the_wide_world_occurs()
    {
        var scenes = Scenes(2, 600);
        var styles = scenes.SelectMany(s => s.Styles).ToList();
        Assert.Contains(scenes, s => s.Width > s.Height);
        Assert.Contains(scenes, s => s.Height > s.Width);
        Assert.Contains(scenes, s => s.Encoding.Jpeg);
        Assert.Contains(scenes, s => s.Backdrop.IsGradient);
        Assert.Contains(scenes, s => s.Backdrop.Noise > 0);
        foreach (var name in new[] { "white", "light gray", "gray", "dark gray", "gradient" })
            Assert.Contains(scenes, s => s.Backdrop.Name == name);
        Assert.Contains(scenes, s => s.Backdrop.Name.StartsWith("light ", StringComparison.Ordinal) && s.Backdrop.Name != "light gray");
        Assert.Contains(scenes, s => s.Backdrop.Name.StartsWith("dark ", StringComparison.Ordinal) && s.Backdrop.Name != "dark gray");
        Assert.Equal([72, 96, 120, 144], scenes.Select(s => s.Scene.ImageSize).Distinct().Order());
        Assert.Contains(styles, s => !s.Filled);
        Assert.True(styles.Where(s => !s.Filled).Select(s => s.StrokeWidth).Distinct().Count() >= 4);
        Assert.Contains(styles, s => !s.Antialiased);
        Assert.Contains(styles, s => s.Rotation > 10);
        var diameters = scenes.SelectMany(s => s.Scene.Objects.Select(o => 2 * o.Radius / s.Scene.ImageSize)).ToList();
        Assert.True(diameters.Min() < 0.1 && diameters.Max() > 0.6, $"{diameters.Min()}..{diameters.Max()}");
        // Shades: the painted colours of one named colour differ from each other, all within a few degrees of its hue.
        var reds = scenes.SelectMany(s => s.Scene.Objects.Zip(s.Styles)).Where(p => p.First.Color.Name == "red").Select(p => p.Second.Color).ToList();
        Assert.True(reds.Distinct().Count() > reds.Count / 2);
        var nominal = Rgb.Of(ShapeColor.Named("red")).ToHsv().Hue;
        Assert.All(reds, red => Assert.True(Math.Abs((red.ToHsv().Hue - nominal + 540) % 360 - 180) <= 8, red.ToString()));
    }

    [Fact]
    public void Both_renderers_paint_each_filled_shape_in_its_colour_where_the_clip_crop_puts_its_centre()
    {
        foreach (var (source, seed) in new[] { (0, 3), (1, 4) })
        {
            var generator = new WideSceneGenerator(seed);
            var noise = new Random(seed);
            var checkedShapes = 0;
            for (var i = 0; i < 80; i++)
            {
                var scene = generator.Next($"s{i}");
                var bytes = source == 0 ? SceneRasterizer.Render(scene, noise.Next()) : IndependentSceneRenderer.Render(scene, noise.Next());
                var pixels = Processor.Preprocess(ImageDecoder.Decode(bytes, new ImageLimits()));
                var (height, width) = (Processor.OutputHeight, Processor.OutputWidth);
                for (var k = 0; k < scene.Scene.Objects.Count; k++)
                {
                    var (item, style) = (scene.Scene.Objects[k], scene.Styles[k]);
                    if (!style.Filled || 2 * item.Radius / scene.Scene.ImageSize < 0.2) continue;
                    var x = (int)(item.CenterX * width / scene.Scene.ImageSize);
                    var y = (int)(item.CenterY * height / scene.Scene.ImageSize);
                    var painted = new[] { style.Color.R, style.Color.G, style.Color.B };
                    for (var c = 0; c < 3; c++)
                    {
                        var value = Unnormalise(pixels[(c * height + y) * width + x], c);
                        Assert.True(Math.Abs(value - painted[c]) <= 40, $"{(source == 0 ? "training" : "independent")} {scene.Scene.Id} {item.Shape}: channel {c} is {value}, painted {painted[c]}");
                    }
                    checkedShapes++;
                }
            }
            Assert.True(checkedShapes > 20, $"{checkedShapes} shapes checked");
        }
    }

    [Fact]
    public void The_independent_set_asks_about_single_shapes_on_plain_backgrounds()
    {
        var source = SceneSources.Independent(6);
        var scenes = Enumerable.Range(0, 60).Select(i => source($"s{i}").Scene).ToList();
        var plain = scenes.Count(s => s.Objects.Count == 1 && s.BackgroundName is "white" or "light gray" && s.Objects[0].Large);
        Assert.InRange(plain, 8, 30);
    }

    [Fact]
    public void Descriptions_name_the_backdrop()
    {
        var scene = Scenes(9, 200).First(s => s.Backdrop.Name.StartsWith("dark ", StringComparison.Ordinal) && s.Backdrop.Name != "dark gray").Scene;
        Assert.StartsWith($"The image shows {SceneText.CountShapes(scene.Objects.Count)} on a {scene.BackgroundName} background.", SceneText.Description(scene));
    }

    [Fact]
    public void Wide_evaluation_writes_the_in_distribution_and_the_independent_renderer_sets()
    {
        using var dir = new TempDir();
        var sets = ShapesDatasetBuilder.BuildEval(dir.Path, new ShapesDataOptions(EvalQuestionsPerKind: 3));

        Assert.Equal([EvalSet.InDistribution, EvalSet.IndependentRenderer], sets.Select(s => s.Name));
        foreach (var (set, file) in sets.Zip(new[] { ShapesDataset.Eval, ShapesDataset.IndependentEval }))
        {
            var questions = EvalQuestionsJson.Read(dir.File(file));
            Assert.Equal(set.Questions.Select(q => q.Id), questions.Select(q => q.Id));
            Assert.Equal(Enum.GetValues<QuestionKind>().SelectMany(k => new[] { k, k, k }).Order(), questions.Select(q => q.Kind).Order());
            Assert.All(questions, q => Assert.True(File.Exists(Path.Combine(dir.File(ShapesDataset.ImagesFolder), q.Image)), q.Image));
            Assert.All(questions, q => Assert.True(AnswerScorer.IsCorrect(q.Kind, q.Expected, q.Reference), q.Reference));
        }
        Assert.Empty(sets[0].Questions.Select(q => q.Image).Intersect(sets[1].Questions.Select(q => q.Image)));
    }

    [Fact]
    public void The_classic_world_still_draws_the_shipped_models_held_out_set()
    {
        using var dir = new TempDir();
        var sets = ShapesDatasetBuilder.BuildEval(dir.Path, new ShapesDataOptions(EvalQuestionsPerKind: 2, World: ShapesWorld.Classic));

        var set = Assert.Single(sets);
        Assert.Equal(EvalSet.InDistribution, set.Name);
        Assert.All(set.Questions, q => Assert.EndsWith(".png", q.Image, StringComparison.Ordinal));
        Assert.Equal(10, set.Questions.Count);
    }

    private static double Unnormalise(float value, int channel) =>
        (value * ClipImageProcessor.OpenAiClipStd[channel] + ClipImageProcessor.OpenAiClipMean[channel]) * 255;
}
