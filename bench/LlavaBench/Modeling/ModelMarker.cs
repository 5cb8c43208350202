using System.Text.Json;

namespace LlavaBench.Modeling;

/// <summary>
/// <c>bench-model.json</c>: what a generated checkpoint folder was generated from, written last, so a folder
/// whose generation was interrupted has none and is generated again.
/// </summary>
public static class ModelMarker
{
    public const string FileName = "bench-model.json";

    /// <returns>Null when there is no marker or it does not read as <typeparamref name="T"/>.</returns>
    public static T? Read<T>(string directory) where T : class
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(path));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static void Write<T>(string directory, T marker) =>
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(marker));

    public static void Delete(string directory) => File.Delete(Path.Combine(directory, FileName));
}
