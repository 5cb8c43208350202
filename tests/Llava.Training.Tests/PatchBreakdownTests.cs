using Llava.Training.Shapes;
using Llava.Training.Shapes.Wide;
using Llava.Training.Trainers;

namespace Llava.Training.Tests;

public sealed class PatchBreakdownTests
{
    private static ObjectAnnotation Object(string shape, double side, bool? filled = null, double? rotation = null) =>
        new(shape, "red", "large", "center", [0.1, 0.2, 0.1 + side, 0.2 + side / 2], filled, rotation);

    [Theory]
    [InlineData(0.10, "size <15%")]
    [InlineData(0.15, "size 15-30%")]
    [InlineData(0.29, "size 15-30%")]
    [InlineData(0.30, "size 30-50%")]
    [InlineData(0.50, "size >=50%")]
    [InlineData(0.80, "size >=50%")]
    public void The_size_bucket_is_the_longer_side_of_the_box(double side, string bucket)
    {
        Assert.Equal(bucket, PatchBreakdown.GroupsOf(Object("circle", side)).First());

        var tall = new ObjectAnnotation("circle", "red", "small", "left", [0.1, 0.1, 0.12, 0.1 + side]);
        Assert.Equal(bucket, PatchBreakdown.GroupsOf(tall).First());
    }

    [Theory]
    [InlineData("square", 0, "upright")]
    [InlineData("square", 90, "upright")]
    [InlineData("square", 274, "upright")]
    [InlineData("square", 45, "rotated")]
    [InlineData("triangle", 120, "upright")]
    [InlineData("triangle", 237, "upright")]
    [InlineData("triangle", 90, "rotated")]
    [InlineData("star", 144, "upright")]
    [InlineData("star", 36, "rotated")]
    public void A_shape_turned_onto_itself_by_a_symmetry_counts_as_upright(string shape, double rotation, string group)
    {
        Assert.Equal(["size 30-50%", "filled", group, shape], PatchBreakdown.GroupsOf(Object(shape, 0.4, true, rotation)));
    }

    [Fact]
    public void Circles_have_no_rotation_group_and_unrecorded_styles_give_no_style_groups()
    {
        Assert.Equal(["size <15%", "outlined", "circle"], PatchBreakdown.GroupsOf(Object("circle", 0.1, false, 30)));
        Assert.Equal(["size >=50%", "star"], PatchBreakdown.GroupsOf(Object("star", 0.6)));
    }

    [Fact]
    public void Object_patches_count_in_every_group_of_their_object_and_in_the_shape_confusion()
    {
        // Labels: circle 1, square 2 (ordinal); red 1. A small filled circle with two patches, a large rotated outlined
        // square with three, and two background patches.
        var circle = Object("circle", 0.1, true, 0);
        var square = Object("square", 0.6, false, 30);
        ObjectAnnotation?[] owners = [circle, circle, null, square, square, square, null];
        long[] shapeTargets = [1, 1, 0, 2, 2, 2, 0];
        long[] shapePredictions = [1, 2, 1, 2, 1, 0, 0];
        long[] colorTargets = [1, 1, 0, 1, 1, 1, 0];
        long[] colorPredictions = [1, 1, 0, 0, 1, 1, 1];

        var breakdown = new PatchBreakdown();
        breakdown.Add(owners, shapeTargets, shapePredictions, colorTargets, colorPredictions);

        Assert.Equal(
        [
            new PatchBreakdown.Group("size <15%", Objects: 1, ObjectPatches: 2, ShapeCorrect: 1, ColorCorrect: 2, ShapeNamed: 0, ColorNamed: 1),
            new PatchBreakdown.Group("size >=50%", 1, 3, 1, 2, 0, 1),
            new PatchBreakdown.Group("filled", 1, 2, 1, 2, 0, 1),
            new PatchBreakdown.Group("outlined", 1, 3, 1, 2, 0, 1),
            new PatchBreakdown.Group("rotated", 1, 3, 1, 2, 0, 1),
            new PatchBreakdown.Group("circle", 1, 2, 1, 2, 0, 1),
            new PatchBreakdown.Group("square", 1, 3, 1, 2, 0, 1),
        ], breakdown.Groups);
        // The circle's two patches tie between circle and square, the square's three split three ways: neither shape is
        // named; both colours are (2 of 2, 2 of 3).
        Assert.Equal(new PatchBreakdown.Group("all", 2, 5, 2, 4, 0, 2), breakdown.All);
        Assert.Equal(1 / 3.0, breakdown.Groups[1].ObjectShape, 12);
        Assert.Equal(2 / 3.0, breakdown.Groups[1].ObjectColor, 12);

        // Rows: true circle, true square (row 0, background, stays empty); columns: predicted background, circle, square.
        Assert.Equal(new long[,] { { 0, 0, 0 }, { 0, 1, 1 }, { 1, 1, 1 } }, breakdown.ShapeConfusion(3));

        // A second scene with the same objects adds to the patches and counts its objects again.
        breakdown.Add([circle], [1], [1], [1], [1]);
        Assert.Equal(new PatchBreakdown.Group("circle", 2, 3, 2, 3, 1, 2), breakdown.Groups.Single(g => g.Name == "circle"));
        Assert.Equal(1 / 3.0, breakdown.All.NamedShape, 12);
    }

    [Fact]
    public void Patches_of_objects_whose_shape_the_labels_do_not_know_are_not_object_patches()
    {
        var breakdown = new PatchBreakdown();
        breakdown.Add([Object("hexagon", 0.4)], [0], [0], [1], [1]);
        Assert.Empty(breakdown.Groups);
        Assert.Throws<ArgumentException>(() => breakdown.Add([null, null], [0], [0], [0], [0]));
    }

    [Fact]
    public void Owners_are_the_objects_whose_labels_the_patches_carry()
    {
        var star = Object("star", 0.12, true, 10);
        var circle = new ObjectAnnotation("circle", "blue", "large", "left", [0, 0, 0.55, 1]);
        var labels = new PatchLabels([star, circle], PatchLabelRegion.Both);
        var owners = labels.Owners([star, circle], 3);
        var (shapes, _) = labels.For([star, circle], 3);

        Assert.Equal(shapes, owners.Select(o => o is null ? 0L : o.Shape == "circle" ? 1L : 2L));
        Assert.Equal(["background", "circle", "star"], labels.ShapeNames);
    }

    [Fact]
    public void Wide_scene_files_record_how_each_object_is_drawn_and_older_files_still_read()
    {
        var generator = new WideSceneGenerator(3);
        var scenes = Enumerable.Range(0, 200).Select(i => generator.Next($"s{i}")).ToList();
        var annotated = scenes.Select(s => SceneAnnotation.From(s.Scene, s.Scene.Id + ".png")).ToList();
        var path = Path.Combine(Path.GetTempPath(), $"scenes-{Guid.NewGuid():N}.json");
        try
        {
            SceneAnnotationsJson.Write(path, annotated);
            var read = SceneAnnotationsJson.Read(path);
            var pairs = scenes.SelectMany(s => s.Styles).Zip(read.SelectMany(s => s.Objects)).ToList();
            Assert.All(pairs, p => Assert.Equal(p.First.Filled, p.Second.Filled));
            Assert.All(pairs, p => Assert.Equal(Math.Round(p.First.Rotation, 1), p.Second.Rotation));
            Assert.Contains(pairs, p => p.Second.Filled == false);
            Assert.Contains(pairs, p => p.Second.Rotation > 10);

            File.WriteAllText(path, """[{"id":"a","image":"a.png","captions":["A red circle."],"objects":[{"shape":"circle","color":"red","size":"large","position":"center","box":[0.1,0.1,0.6,0.6]}]}]""");
            var old = Assert.Single(Assert.Single(SceneAnnotationsJson.Read(path)).Objects);
            Assert.Null(old.Filled);
            Assert.Null(old.Rotation);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
