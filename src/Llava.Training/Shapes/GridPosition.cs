namespace Llava.Training.Shapes;

/// <summary>One cell of the 3×3 grid that places the shapes; rows and columns count from the top left.</summary>
public readonly record struct GridPosition(int Row, int Column)
{
    public const int Size = 3;

    private static readonly string[] RowWords = ["top", "", "bottom"];
    private static readonly string[] ColumnWords = ["left", "", "right"];

    /// <summary>Every word a position name can contain; the answer scorer compares these sets.</summary>
    public static IReadOnlyList<string> Words { get; } = ["top", "bottom", "left", "right", "center"];

    /// <summary>"top left", "top", "center", "right", …</summary>
    public string Name
    {
        get
        {
            var parts = new[] { RowWords[Row], ColumnWords[Column] }.Where(w => w.Length > 0).ToArray();
            return parts.Length == 0 ? "center" : string.Join(' ', parts);
        }
    }

    /// <summary>The name with its preposition: "at the top left", "on the left", "in the center".</summary>
    public string Phrase => (Row, Column) switch
    {
        (1, 1) => "in the center",
        (1, _) => "on the " + Name,
        _ => "at the " + Name,
    };

    public static GridPosition FromName(string name)
    {
        for (var row = 0; row < Size; row++)
        {
            for (var column = 0; column < Size; column++)
            {
                var position = new GridPosition(row, column);
                if (position.Name == name) return position;
            }
        }
        throw new ArgumentException($"unknown position '{name}'", nameof(name));
    }
}
