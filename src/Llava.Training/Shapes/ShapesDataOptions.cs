namespace Llava.Training.Shapes;

/// <param name="TrainScenes">Images for training; each gives one caption record and one instruction record.</param>
/// <param name="ValidationScenes">Images whose records measure validation loss.</param>
/// <param name="EvalQuestionsPerKind">Held-out images per question kind, one question each.</param>
public sealed record ShapesDataOptions(
    int TrainScenes = 12000,
    int ValidationScenes = 200,
    int EvalQuestionsPerKind = 60,
    int Seed = 1,
    int ImageSize = SceneGenerator.DefaultImageSize);
