using Llava.Training.Trainers;

namespace Llava.Training.Tests;

public sealed class PatchAccuracyTests
{
    [Fact]
    public void Object_patches_are_those_with_a_shape_target_and_both_heads_count_over_them_and_over_all()
    {
        // Six patches, two of them background (0). Shapes: right on both background patches and on two of the four
        // object patches. Colours: right on one background patch and on three object patches.
        long[] shapeTargets = [0, 1, 2, 0, 3, 4];
        long[] shapePredictions = [0, 1, 1, 0, 3, 0];
        long[] colorTargets = [0, 5, 5, 0, 2, 1];
        long[] colorPredictions = [0, 5, 5, 3, 1, 1];

        var accuracy = PatchAccuracy.Empty.Add(shapeTargets, shapePredictions, colorTargets, colorPredictions);

        Assert.Equal(new PatchAccuracy(Patches: 6, ObjectPatches: 4, ShapeCorrect: 4, ColorCorrect: 4, ObjectShapeCorrect: 2,
            ObjectColorCorrect: 3), accuracy);
        Assert.Equal(4 / 6.0, accuracy.Shape, 12);
        Assert.Equal(4 / 6.0, accuracy.Color, 12);
        Assert.Equal(0.5, accuracy.ObjectShape, 12);
        Assert.Equal(0.75, accuracy.ObjectColor, 12);
    }

    [Fact]
    public void Batches_add_up_and_nothing_counted_is_not_a_number()
    {
        Assert.True(double.IsNaN(PatchAccuracy.Empty.ObjectShape));
        Assert.True(double.IsNaN(PatchAccuracy.Empty.Color));

        var backgroundOnly = PatchAccuracy.Empty.Add([0, 0], [0, 2], [0, 0], [0, 0]);
        Assert.Equal(0.5, backgroundOnly.Shape, 12);
        Assert.True(double.IsNaN(backgroundOnly.ObjectShape));

        var both = backgroundOnly.Add([3], [3], [1], [2]);
        Assert.Equal(new PatchAccuracy(3, 1, 2, 3 - 1, 1, 0), both);
    }

    [Fact]
    public void Targets_and_predictions_must_cover_the_same_patches()
    {
        Assert.Throws<ArgumentException>(() => PatchAccuracy.Empty.Add([0, 1], [0], [0, 1], [0, 1]));
    }
}
