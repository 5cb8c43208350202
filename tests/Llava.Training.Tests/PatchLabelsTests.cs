using Llava.Training.Shapes;
using Llava.Training.Trainers;

namespace Llava.Training.Tests;

public sealed class PatchLabelsTests
{
    private static ObjectAnnotation Object(string shape, string color, double x0, double y0, double x1, double y1) =>
        new(shape, color, "large", "top left", [x0, y0, x1, y1]);

    [Fact]
    public void Each_patch_whose_centre_lies_in_a_box_takes_that_objects_shape_and_colour()
    {
        var star = Object("star", "red", 0, 0, 0.5, 0.5);
        var circle = Object("circle", "blue", 0.75, 0.75, 1, 1);
        var labels = new PatchLabels([star, circle]);
        Assert.Equal(3, labels.ShapeClasses);
        Assert.Equal(3, labels.ColorClasses);

        var (shapes, colors) = labels.For([star, circle], 4);

        // Vocabularies in ordinal order from 1: circle 1, star 2; blue 1, red 2; background 0.
        Assert.Equal(new long[] { 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, shapes);
        Assert.Equal(new long[] { 2, 2, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, colors);
    }

    [Fact]
    public void Where_boxes_overlap_the_nearest_box_centre_wins_and_unseen_words_are_background()
    {
        var left = Object("square", "green", 0, 0, 0.6, 1);
        var right = Object("triangle", "yellow", 0.4, 0, 1, 1);
        var labels = new PatchLabels([left, right]);

        var (shapes, _) = labels.For([left, right], 2);
        Assert.Equal(new long[] { 1, 2, 1, 2 }, shapes);

        var (unseen, _) = labels.For([Object("hexagon", "green", 0, 0, 1, 1)], 2);
        Assert.Equal(new long[] { 0, 0, 0, 0 }, unseen);
    }

    [Fact]
    public void The_centre_region_names_only_the_patch_holding_each_objects_centre_and_both_adds_it_to_the_box()
    {
        // A small star whose box covers no patch centre of a 3×3 grid, centred in the middle patch, and a large
        // circle over the left column whose box also covers the middle column's patch centres.
        var star = Object("star", "red", 0.52, 0.52, 0.64, 0.64);
        var circle = Object("circle", "blue", 0, 0, 0.55, 1);
        PatchLabels Labels(PatchLabelRegion region) => new([star, circle], region);

        Assert.Equal(new long[] { 1, 1, 0, 1, 1, 0, 1, 1, 0 }, Labels(PatchLabelRegion.Box).For([star, circle], 3).Shapes);
        Assert.Equal(new long[] { 0, 0, 0, 1, 2, 0, 0, 0, 0 }, Labels(PatchLabelRegion.Centre).For([star, circle], 3).Shapes);
        Assert.Equal(new long[] { 1, 1, 0, 1, 2, 0, 1, 1, 0 }, Labels(PatchLabelRegion.Both).For([star, circle], 3).Shapes);
    }

    [Fact]
    public void The_cover_region_also_names_a_patch_holding_a_fifth_of_a_small_objects_box()
    {
        // Centred in the middle patch of a 3×3 grid, one star reaches 44 % of its box into the right-hand patch, the
        // other 10 %; the circle's box covers the left and middle columns' patch centres.
        var across = Object("star", "red", 0.6, 0.4, 0.72, 0.55);
        var inside = Object("star", "red", 0.55, 0.4, 0.68, 0.55);
        var circle = Object("circle", "blue", 0, 0, 0.55, 1);
        var labels = new PatchLabels([across, circle], PatchLabelRegion.Cover);

        Assert.Equal(new long[] { 1, 1, 0, 1, 2, 2, 1, 1, 0 }, labels.For([across, circle], 3).Shapes);
        Assert.Equal(new long[] { 1, 1, 0, 1, 2, 0, 1, 1, 0 }, labels.For([inside, circle], 3).Shapes);
        Assert.Equal(labels.For([inside, circle], 3).Shapes, new PatchLabels([inside, circle], PatchLabelRegion.Both).For([inside, circle], 3).Shapes);
    }

    [Fact]
    public void Object_balance_gives_each_objects_patches_and_each_scenes_background_one_unit_of_weight()
    {
        // Under region both on a 3×3 grid: the circle names five patches, the star one, the background three; a second
        // scene is all background.
        var star = Object("star", "red", 0.52, 0.52, 0.64, 0.64);
        var circle = Object("circle", "blue", 0, 0, 0.55, 1);
        IReadOnlyList<IReadOnlyList<ObjectAnnotation>> scenes = [[star, circle], []];

        var weights = new PatchLabels([star, circle], PatchLabelRegion.Both, PatchLabelBalance.Object).For(scenes, 3).Weights;

        const float c = 1 / 5f, b = 1 / 3f, e = 1 / 9f;
        Assert.Equal(new[] { c, c, b, c, 1, b, c, c, b, e, e, e, e, e, e, e, e, e }, weights);
        Assert.All(new PatchLabels([star, circle], PatchLabelRegion.Both).For(scenes, 3).Weights, w => Assert.Equal(1f, w));
    }
}
