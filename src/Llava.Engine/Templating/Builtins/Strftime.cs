using System.Globalization;
using System.Text;

namespace Llava.Engine.Templating.Builtins;

/// <summary>Python's <c>datetime.strftime</c> in the C locale, for the directives chat templates use in date headers.</summary>
internal static class Strftime
{
    private static readonly string[] Days = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

    private static readonly string[] Months =
        ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

    public static string Format(DateTimeOffset time, string format)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 >= format.Length)
            {
                sb.Append(format[i]);
                continue;
            }
            var directive = format[++i];
            var unpadded = false;
            if (directive == '-' && i + 1 < format.Length)
            {
                unpadded = true;
                directive = format[++i];
            }
            sb.Append(Directive(time, directive, unpadded));
        }
        return sb.ToString();
    }

    private static string Directive(DateTimeOffset t, char directive, bool unpadded)
    {
        string Number(int value, int width) =>
            unpadded ? value.ToString(CultureInfo.InvariantCulture) : value.ToString(new string('0', width), CultureInfo.InvariantCulture);

        var hour12 = t.Hour % 12 == 0 ? 12 : t.Hour % 12;
        return directive switch
        {
            'Y' => t.Year.ToString(CultureInfo.InvariantCulture),
            'y' => Number(t.Year % 100, 2),
            'm' => Number(t.Month, 2),
            'd' => Number(t.Day, 2),
            'e' => t.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2),
            'H' => Number(t.Hour, 2),
            'I' => Number(hour12, 2),
            'M' => Number(t.Minute, 2),
            'S' => Number(t.Second, 2),
            'f' => (t.Ticks % TimeSpan.TicksPerSecond / 10).ToString("000000", CultureInfo.InvariantCulture),
            'j' => Number(t.DayOfYear, 3),
            'p' => t.Hour < 12 ? "AM" : "PM",
            'a' => Days[(int)t.DayOfWeek][..3],
            'A' => Days[(int)t.DayOfWeek],
            'b' or 'h' => Months[t.Month - 1][..3],
            'B' => Months[t.Month - 1],
            'w' => ((int)t.DayOfWeek).ToString(CultureInfo.InvariantCulture),
            'u' => (t.DayOfWeek == DayOfWeek.Sunday ? 7 : (int)t.DayOfWeek).ToString(CultureInfo.InvariantCulture),
            'z' => (t.Offset < TimeSpan.Zero ? "-" : "+") + t.Offset.ToString("hhmm", CultureInfo.InvariantCulture),
            'F' => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            'T' => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            '%' => "%",
            _ => throw new TemplateException($"strftime directive '%{directive}' is not supported by this template engine"),
        };
    }
}
