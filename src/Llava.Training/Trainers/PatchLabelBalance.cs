namespace Llava.Training.Trainers;

/// <summary>How the per-patch loss of <see cref="PatchLabels"/> weighs its patches.</summary>
public enum PatchLabelBalance
{
    /// <summary>Every patch alike: a shape that fills the picture outweighs a small one by the patches it covers.</summary>
    Patch,

    /// <summary>
    /// Every object alike: an object's patches share one unit of weight, and so do each scene's background patches.
    /// The questions ask about objects, whatever their size, while under <see cref="Patch"/> a shape inside one patch
    /// is a few hundredths of the loss that a large one is.
    /// </summary>
    Object,
}
