using Llava.Training.Shapes.Wide;

namespace Llava.Training.Shapes;

/// <summary>Where the dataset builder's scenes and images come from, per world and evaluation set.</summary>
public static class SceneSources
{
    /// <summary>The training world's scenes from a seed, drawn by its own renderer.</summary>
    public static Func<string, RenderedScene> Training(ShapesWorld world, int seed, int imageSize)
    {
        if (world == ShapesWorld.Classic)
        {
            var classic = new SceneGenerator(seed, imageSize);
            return id =>
            {
                var scene = classic.Next(id);
                return new RenderedScene(scene, SceneRenderer.RenderPng(scene, classic.ColorJitter), ".png");
            };
        }
        var wide = new WideSceneGenerator(seed);
        var noise = new Random(seed);
        return id =>
        {
            var scene = wide.Next(id);
            return new RenderedScene(scene.Scene, SceneRasterizer.Render(scene, noise.Next()), scene.Encoding.Extension);
        };
    }

    /// <summary>
    /// Wide scenes drawn by <see cref="IndependentSceneRenderer"/>, a quarter of them plain (one large upright shape on
    /// white or light grey), so the set also asks what a newcomer's first picture asks.
    /// </summary>
    public static Func<string, RenderedScene> Independent(int seed)
    {
        var wide = new WideSceneGenerator(seed, plainShare: 0.25);
        var noise = new Random(seed);
        return id =>
        {
            var scene = wide.Next(id);
            return new RenderedScene(scene.Scene, IndependentSceneRenderer.Render(scene, noise.Next()), scene.Encoding.Extension);
        };
    }
}
