using System.Runtime.InteropServices;
using LlavaBench.Client;
using LlavaBench.Measurement;
using LlavaBench.Modeling;
using LlavaBench.Reporting;
using LlavaBench.Running;
using LlavaBench.Serving;
using LlavaBench.Soak;
using LlavaBench.Workload;
using LlavaServer.Cli;

namespace LlavaBench;

/// <summary>
/// One invocation: resolve the model, then per dtype start (or reach) the server, time the bare model, and run the
/// throughput and cache scenarios (alternating with a peer's, if one is given) — or run the soak, or hand over to
/// <see cref="RealScaleCommand"/>; finally print the tables and write the JSON report.
/// </summary>
public sealed class BenchCommand(BenchOptions options, TextWriter output)
{
    private const int SingleStreamRounds = 7;
    private const int StepsPerRound = 10;
    private readonly bool _inPlaceProgress = !Console.IsOutputRedirected;
    private readonly int _salt = Random.Shared.Next(1, 1_000_000);
    private TimeSpan Timeout => TimeSpan.FromSeconds(options.TimeoutSeconds);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var startedAt = DateTimeOffset.Now;
        var machine = new MachineInfo(Environment.ProcessorCount, RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription, MachineLoad.OneMinute());
        if (options.RealScale) return await new RealScaleCommand(options, output).RunAsync(startedAt, machine, cancellationToken);
        var model = ResolveModel();
        if (options.GenerateOnly) return 0;
        if (options.Constrained) return await new ConstrainedCommand(options, output).RunAsync(model?.Path ?? options.ModelPath!, cancellationToken);
        string? modelId = null;
        var runs = new List<DTypeRun>();
        SoakSummary? soak = null;

        if (options.SoakMinutes is { } minutes)
        {
            (soak, modelId) = await SoakAsync(options.DTypes[0], model?.Path ?? options.ModelPath, minutes, cancellationToken);
        }
        else
        {
            foreach (var dtype in options.DTypes)
            {
                DTypeRun run;
                (run, modelId) = await RunDTypeAsync(dtype, model?.Path ?? options.ModelPath, cancellationToken);
                runs.Add(run);
            }
        }

        WriteResultsHeading(machine, output);
        foreach (var run in runs) MarkdownReport.WriteRun(run, output);
        if (soak is not null) MarkdownReport.WriteSoak(soak, output);

        var report = new BenchReport(startedAt, machine,
            new ModelReport(model?.Path ?? options.ModelPath, modelId ?? "", model?.ParameterCount),
            new BenchSettings(options.Url ?? "in-process", options.MaxTokens, options.Temperature, options.Concurrency,
                options.CacheRequests, options.ServerMaxNumSeqs, options.MaxWaitingRequests, options.StallSeconds, options.TimeoutSeconds),
            runs, soak);
        await WriteJsonAsync(options.OutputPath, report, output, cancellationToken);
        return 0;
    }

    internal static void WriteResultsHeading(MachineInfo machine, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"## Results ({machine.ProcessorCount} CPUs, load average {Load(machine.LoadAverage)} at start)");
        output.WriteLine();
    }

    internal static async Task WriteJsonAsync(string? path, BenchReport report, TextWriter output, CancellationToken cancellationToken)
    {
        if (path is null) return;
        await File.WriteAllTextAsync(path, ReportJson.Serialize(report), cancellationToken);
        output.WriteLine($"JSON report written to {path}");
    }

    /// <summary>
    /// Where the generated model's tokenizer comes from: the bundled reference fixture has LLaVA-1.5's Llama
    /// tokenizer (32000 pieces), so bench prompts cost as many tokens as on llava-1.5-7b-hf.
    /// </summary>
    internal static string LlamaTokenizerFolder => Path.Combine(AppContext.BaseDirectory, "models", "tiny-llava-visible");

    /// <summary>The checkpoint to serve: the one given, none for a remote server, else the generated bench model.</summary>
    private (string Path, long ParameterCount)? ResolveModel()
    {
        if (options.ModelPath is { } path)
        {
            if (!Directory.Exists(path)) throw new CliException($"model folder not found: {path}");
            return BenchModelGenerator.ReadMarker(path) is { } marker ? (Path.GetFullPath(path), marker.ParameterCount) : null;
        }
        if (options.Url is not null) return null;
        if (options.Next)
        {
            var next = HubLayoutGenerator.Ensure(options.GenerateModelPath, MistralNextHubLayout.BenchSized, LlamaTokenizerFolder, output);
            output.WriteLine($"NeXT bench model: {next.Path} ({next.ParameterCount:N0} parameters, {next.Layout.ImageSize}px crops, " +
                             $"grid pinpoints up to {3 * next.Layout.ImageSize}px)");
            return (next.Path, next.ParameterCount);
        }
        var model = BenchModelGenerator.Ensure(options.GenerateModelPath, new BenchModelSpec(), LlamaTokenizerFolder, output);
        output.WriteLine($"bench model: {model.Path} ({model.ParameterCount:N0} parameters, " +
                         $"{model.Spec.ImageTokens} image tokens per {model.Spec.ImageSize}px image)");
        return (model.Path, model.ParameterCount);
    }

    private async Task<BenchTarget> OpenTargetAsync(string dtype, string? modelPath, int maxNumSeqs, CancellationToken cancellationToken)
    {
        if (options.Url is { } url)
        {
            output.WriteLine($"benchmarking {url}");
            return await BenchTarget.ConnectAsync(url, options.ApiKey, cancellationToken);
        }
        output.WriteLine($"starting the server in-process ({dtype}, max-num-seqs {maxNumSeqs}, " +
                         $"max-waiting-requests {options.MaxWaitingRequests}) …");
        var settings = new ServerSettings(modelPath!, dtype, maxNumSeqs, options.MaxWaitingRequests, options.MaxModelLen);
        return await BenchTarget.StartAsync(settings, cancellationToken);
    }

    private async Task<(DTypeRun Run, string ModelId)> RunDTypeAsync(string dtype, string? modelPath, CancellationToken cancellationToken)
    {
        output.WriteLine();
        output.WriteLine($"== {dtype} ==");
        var loadStart = MachineLoad.OneMinute();
        await using var target = await OpenTargetAsync(dtype, modelPath, options.ServerMaxNumSeqs, cancellationToken);
        await using var peerTarget = options.PeerUrl is { } peerUrl ? await ConnectPeerAsync(peerUrl, cancellationToken) : null;
        var ours = Side(target, name: null);
        var peer = peerTarget is null ? null : Side(peerTarget, options.PeerName);
        var promptTokens = await WarmUpAsync(ours.Client, Workloads.Rotating(ours.Factory, _salt)(0), cancellationToken);
        if (peer is not null) await WarmUpAsync(peer.Client, Workloads.Rotating(peer.Factory, _salt)(0), cancellationToken);

        BareForwardTimes? bare = null;
        SingleStreamProfile? singleStream = null;
        if (modelPath is not null && options.BareIterations > 0)
            (bare, singleStream) = await MeasureSingleStreamAsync(modelPath, dtype, promptTokens, target, ours, cancellationToken);

        var summaries = new List<ScenarioSummary>();
        var peerSummaries = new List<ScenarioSummary>();
        foreach (var scenario in ThroughputScenarios())
        {
            summaries.Add(await RunAsync(ours, scenario, cancellationToken));
            if (peer is not null) peerSummaries.Add(await RunAsync(peer, scenario, cancellationToken));
        }
        summaries.AddRange(await RunCacheScenariosAsync(ours, cancellationToken));
        if (peer is not null) peerSummaries.AddRange(await RunCacheScenariosAsync(peer, cancellationToken));

        var peerRun = peer is null ? null : new PeerRun(peer.Name, options.PeerDTypeLabel, options.PeerUrl!, peerTarget!.ModelId, peerSummaries);
        var run = new DTypeRun(dtype, loadStart, MachineLoad.OneMinute(), bare, singleStream, summaries,
            TargetEvaluator.Evaluate(summaries, singleStream, bare, peerRun), peerRun);
        return (run, target.ModelId);
    }

    private async Task<BenchTarget> ConnectPeerAsync(string url, CancellationToken cancellationToken)
    {
        output.WriteLine($"side by side with {options.PeerName} at {url}");
        return await BenchTarget.ConnectPeerAsync(url, cancellationToken);
    }

    private ServerSide Side(BenchTarget target, string? name)
    {
        var client = new StreamingChatClient(target.Http, Timeout);
        return new ServerSide(name ?? "LlavaServer", new ChatRequestFactory(target.ModelId, options.MaxTokens, options.Temperature), client,
            new ScenarioRunner(client, output, _inPlaceProgress, name));
    }

    /// <summary>
    /// One scenario per concurrency and image mode. A scenario is built from a server's request factory, so the
    /// peer gets the same images and questions under its own model id.
    /// </summary>
    private IEnumerable<Func<ChatRequestFactory, Scenario>> ThroughputScenarios()
    {
        foreach (var concurrency in options.Concurrency)
        {
            for (var m = 0; m < options.Images.Count; m++)
            {
                var mode = options.Images[m];
                var requests = options.RequestsAt(concurrency);
                var salt = _salt + 1_000_000 * (m + 1) + 10_000 * concurrency;
                var name = options.Images is [ImageModes.Rotating] ? $"throughput c={concurrency}" : $"throughput c={concurrency}, {mode} images";
                yield return factory => new Scenario(name, Scenario.Throughput, concurrency, requests,
                    Workloads.Throughput(factory, mode, salt, requests), mode);
            }
        }
    }

    private async Task<ScenarioSummary> RunAsync(ServerSide side, Func<ChatRequestFactory, Scenario> scenario, CancellationToken cancellationToken) =>
        ScenarioSummary.From(await side.Runner.RunAsync(scenario(side.Factory), cancellationToken), options.StallSeconds);

    /// <summary>The bare model's timings, then alternating single-stream rounds: bare step, engine API, HTTP.</summary>
    private async Task<(BareForwardTimes, SingleStreamProfile)> MeasureSingleStreamAsync(string modelPath, string dtype, int promptTokens,
        BenchTarget target, ServerSide ours, CancellationToken cancellationToken)
    {
        output.WriteLine($"timing the bare model ({promptTokens}-token prompt, {options.BareIterations} decode steps per batch size) …");
        using var bare = new BareModel(modelPath, dtype, promptTokens, options.MaxTokens, options.Concurrency.Max());
        var times = bare.MeasureAll(options.Concurrency, options.BareIterations);
        output.WriteLine("  decode step: " + string.Join(", ", times.Decode.Select(d => $"batch {d.Batch} {d.StepMs:F1} ms (matmuls alone {d.MatmulMs:F1} ms{(d.AttentionMs is { } a ? $", attention alone {a:F1} ms" : "")})")) +
                         $"; image encode {times.ImageEncodeMs:F0} ms; prefill {times.PrefillMs:F0} ms");

        output.WriteLine($"single stream: {SingleStreamRounds} rounds of bare decode steps, engine API and HTTP, alternating …");
        var png = BenchImages.Png(_salt + 3_000);
        var request = new SingleStreamRequest(ours.Factory.Build(BenchImages.DataUrl(png), Questions.Repeated), png, Questions.Repeated,
            options.MaxTokens);
        var profile = await SingleStreamProfiler.MeasureAsync(bare, target.Engine, ours.Client, request, SingleStreamRounds,
            StepsPerRound, cancellationToken);
        output.WriteLine($"  per token: bare {profile.BareDecodeMs:F1} ms, engine {profile.EngineMsPerToken:F1} ms, HTTP {profile.HttpMsPerToken:F1} ms");
        return (times, profile);
    }

    /// <summary>
    /// Cold and hot requests alternate in one sequential run, so both see the same machine load; the run is then
    /// split into the two scenarios. The hot request is sent once beforehand so its caches are warm.
    /// </summary>
    private async Task<IEnumerable<ScenarioSummary>> RunCacheScenariosAsync(ServerSide side, CancellationToken cancellationToken)
    {
        var cold = Workloads.Cold(side.Factory, _salt, options.CacheRequests);
        var hot = Workloads.Hot(side.Factory, _salt);
        await WarmUpAsync(side.Client, hot(0), cancellationToken);
        var alternating = new Scenario("cache: cold and hot alternating", Scenario.CacheMiss, 1, 2 * options.CacheRequests,
            i => i % 2 == 0 ? cold(i / 2) : hot(i / 2));
        var run = await side.Runner.RunAsync(alternating, cancellationToken);
        return
        [
            ScenarioSummary.From(run.Subset(alternating with { Name = "cold: new image + question", Kind = Scenario.CacheMiss }, i => i % 2 == 0), options.StallSeconds),
            ScenarioSummary.From(run.Subset(alternating with { Name = "hot: repeated image + question", Kind = Scenario.CacheHit }, i => i % 2 == 1), options.StallSeconds),
        ];
    }

    private async Task<(SoakSummary Soak, string ModelId)> SoakAsync(string dtype, string? modelPath, double minutes,
        CancellationToken cancellationToken)
    {
        output.WriteLine();
        output.WriteLine($"== soak: {minutes} min at concurrency {options.SoakConcurrency} ({dtype}) ==");
        await using var target = await OpenTargetAsync(dtype, modelPath, options.ServerMaxNumSeqs, cancellationToken);
        var side = Side(target, name: null);
        await WarmUpAsync(side.Client, Workloads.Rotating(side.Factory, _salt)(0), cancellationToken);

        var duration = TimeSpan.FromMinutes(minutes);
        var warmup = TimeSpan.FromSeconds(Math.Min(60, duration.TotalSeconds / 4));
        var plan = new SoakPlan(dtype, duration, options.SoakConcurrency, options.ServerMaxNumSeqs, options.MaxWaitingRequests,
            TimeSpan.FromSeconds(options.StallSeconds), warmup);
        var soak = await new SoakRunner(side.Client, output, _inPlaceProgress)
            .RunAsync(plan, Workloads.Rotating(side.Factory, _salt + 1), measureRss: target.Engine is not null, cancellationToken);
        return (soak, target.ModelId);
    }

    /// <summary>One uncounted request: compiles the image path and fills caches; returns its prompt length.</summary>
    private async Task<int> WarmUpAsync(StreamingChatClient client, string body, CancellationToken cancellationToken)
    {
        var result = await client.SendAsync(body, 0, null, cancellationToken);
        if (result.Outcome != RequestOutcome.Completed)
            throw new InvalidOperationException($"the warm-up request did not complete: {result.Outcome} ({result.Status}) {result.Error}");
        return result.PromptTokens;
    }

    private static string Load(double? load) => load is { } l ? l.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) : "unknown";
}
