namespace LlavaBench.Workload;

/// <summary>Question texts of similar length; a salt makes each run's "new" questions new to a server's prefix cache.</summary>
public static class Questions
{
    private static readonly string[] Templates =
    [
        "What objects are in this picture and what colours do they have?",
        "Describe the shapes in this image and where each of them is placed.",
        "Which colour covers most of this image, and what lies on top of it?",
        "How many circles and rectangles can you see, and which one is largest?",
    ];

    /// <summary>The question of request <paramref name="index"/>, distinct for every (salt, index).</summary>
    public static string Unique(int salt, int index) => $"{Templates[index % Templates.Length]} (case {salt}-{index})";

    /// <summary>The one question every request of a repeated-prompt workload asks.</summary>
    public static string Repeated => Templates[0];
}
