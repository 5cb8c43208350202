namespace LlavaBench.Serving;

/// <summary>Flags for the in-process server, with the names the server itself uses.</summary>
public sealed record ServerSettings(string ModelPath, string DType, int MaxNumSeqs, int MaxWaitingRequests, int? MaxModelLen)
{
    public IReadOnlyList<string> ToArguments()
    {
        var args = new List<string>
        {
            "--model", ModelPath, "--host", "127.0.0.1", "--port", "0", "--dtype", DType,
            "--max-num-seqs", Invariant(MaxNumSeqs), "--max-waiting-requests", Invariant(MaxWaitingRequests),
        };
        if (MaxModelLen is { } length) args.AddRange(["--max-model-len", Invariant(length)]);
        return args;
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
