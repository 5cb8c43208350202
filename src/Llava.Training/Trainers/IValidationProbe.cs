namespace Llava.Training.Trainers;

/// <summary>A measurement the <see cref="Trainer"/> takes beside the validation loss, at every validation and after the last step.</summary>
public interface IValidationProbe
{
    /// <summary>Measures the model as it is after <paramref name="step"/> steps; returns the lines to print.</summary>
    IReadOnlyList<string> Measure(int step);
}
