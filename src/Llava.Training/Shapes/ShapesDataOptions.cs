namespace Llava.Training.Shapes;

/// <param name="TrainScenes">Images for training; each gives one caption record and one instruction record.</param>
/// <param name="ValidationScenes">Images whose records measure validation loss.</param>
/// <param name="EvalQuestionsPerKind">Held-out images per question kind, one question each, in each evaluation set.</param>
/// <param name="ImageSize">The classic world's image side; the wide world varies it.</param>
public sealed record ShapesDataOptions(
    int TrainScenes = 12000,
    int ValidationScenes = 200,
    int EvalQuestionsPerKind = 60,
    int Seed = 1,
    int ImageSize = SceneGenerator.DefaultImageSize,
    ShapesWorld World = ShapesWorld.Wide);
