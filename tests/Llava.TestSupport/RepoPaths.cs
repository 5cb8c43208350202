namespace Llava.TestSupport;

/// <summary>Locates checked-in fixtures from any test's working directory.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The random-weight model every golden value was computed on.</summary>
    public static string FixtureModel => Path.Combine(Root, "models", "tiny-llava-visible");

    /// <summary>The trained demo model the server serves by default.</summary>
    public static string ShapesModel => Path.Combine(Root, "models", "llava-shapes-tiny");

    public static string Reference => Path.Combine(Root, "tests", "fixtures", "reference");

    public static string GoldenJson => Path.Combine(Reference, "golden", "tiny-llava-visible.json");

    public static string Image(string name) => Path.Combine(Reference, "images", name);

    /// <summary>Held-out images of the shapes world (never trained on) that the README asks the demo model about.</summary>
    public static string ShapesImage(string name) => Path.Combine(Root, "tests", "fixtures", "shapes", name);

    public static string ReferencePath(string relative) => Path.Combine(Reference, relative);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlavaServer.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException("LlavaServer.sln not found above " + AppContext.BaseDirectory);
    }
}
