namespace Llava.Engine.Constraints;

/// <summary>The JSON Schema <c>format</c>s constrained decoding supports, as the patterns that produce them.</summary>
internal static class StringFormats
{
    private const string Date = @"\d{4}-((0[13578]|1[02])-(0[1-9]|[12]\d|3[01])|(0[469]|11)-(0[1-9]|[12]\d|30)|02-(0[1-9]|1\d|2[0-8]))";
    // Offsets stay within ±14:00, the range real zones use and .NET's DateTimeOffset (hence validators) accepts.
    private const string Time = @"([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,6})?(Z|[+-](0\d|1[0-3]):[0-5]\d|[+-]14:00)";

    public static string? Pattern(string format) => format switch
    {
        "date" => $"^{Date}$",
        "time" => $"^{Time}$",
        "date-time" => $"^{Date}T{Time}$",
        "uuid" => "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
        // RFC 5321's limits: a local part of at most 64 characters, domain labels of at most 63.
        "email" => @"^[A-Za-z0-9]{1,12}([._+-][A-Za-z0-9]{1,12}){0,3}@[A-Za-z0-9]{1,20}(-[A-Za-z0-9]{1,20}){0,2}(\.[A-Za-z0-9]{1,20}(-[A-Za-z0-9]{1,20}){0,2}){0,3}\.[A-Za-z]{2,12}$",
        _ => null,
    };
}
