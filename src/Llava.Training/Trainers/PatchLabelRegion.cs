namespace Llava.Training.Trainers;

/// <summary>Which patches <see cref="PatchLabels"/> names after an object.</summary>
public enum PatchLabelRegion
{
    /// <summary>Every patch whose centre lies in the object's box; an object too small to cover a patch centre goes unnamed.</summary>
    Box,

    /// <summary>Only the patch that holds the object's centre, the point a position answer names the cell of.</summary>
    Centre,

    /// <summary>The box's patches and the centre's patch, so every object is named at least once.</summary>
    Both,

    /// <summary>
    /// As <see cref="Both"/>, and also every patch that holds at least a fifth of an object's box: a small object
    /// across a patch border is named in each patch that shows a real part of it, not only in the one that happens to
    /// hold its centre (which would teach the others that a shape's corner is background).
    /// </summary>
    Cover,
}
