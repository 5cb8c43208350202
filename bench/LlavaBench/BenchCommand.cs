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
/// throughput and cache scenarios — or run the soak instead; finally print the tables and write the JSON report.
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
        var model = ResolveModel();
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

        output.WriteLine();
        output.WriteLine($"## Results ({machine.ProcessorCount} CPUs, load average {Load(machine.LoadAverage)} at start)");
        output.WriteLine();
        foreach (var run in runs) MarkdownReport.WriteRun(run, output);
        if (soak is not null) MarkdownReport.WriteSoak(soak, output);

        var report = new BenchReport(startedAt, machine,
            new ModelReport(model?.Path ?? options.ModelPath, modelId ?? "", model?.ParameterCount),
            new BenchSettings(options.Url ?? "in-process", options.MaxTokens, options.Temperature, options.Concurrency,
                options.CacheRequests, options.ServerMaxNumSeqs, options.MaxWaitingRequests, options.StallSeconds, options.TimeoutSeconds),
            runs, soak);
        if (options.OutputPath is { } path)
        {
            await File.WriteAllTextAsync(path, ReportJson.Serialize(report), cancellationToken);
            output.WriteLine($"JSON report written to {path}");
        }
        return 0;
    }

    /// <summary>
    /// Where the generated model's tokenizer comes from: the bundled reference fixture has LLaVA-1.5's Llama
    /// tokenizer (32000 pieces), so bench prompts cost as many tokens as on llava-1.5-7b-hf.
    /// </summary>
    private static string LlamaTokenizerFolder => Path.Combine(AppContext.BaseDirectory, "models", "tiny-llava-visible");

    /// <summary>The checkpoint to serve: the one given, none for a remote server, else the generated bench model.</summary>
    private GeneratedModel? ResolveModel()
    {
        if (options.ModelPath is { } path)
        {
            if (!Directory.Exists(path)) throw new CliException($"model folder not found: {path}");
            return BenchModelGenerator.ReadMarker(path) is { } marker ? marker with { Path = Path.GetFullPath(path) } : null;
        }
        if (options.Url is not null) return null;
        var model = BenchModelGenerator.Ensure(options.GenerateModelPath, new BenchModelSpec(), LlamaTokenizerFolder, output);
        output.WriteLine($"bench model: {model.Path} ({model.ParameterCount:N0} parameters, " +
                         $"{model.Spec.ImageTokens} image tokens per {model.Spec.ImageSize}px image)");
        return model;
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
        var factory = new ChatRequestFactory(target.ModelId, options.MaxTokens, options.Temperature);
        var client = new StreamingChatClient(target.Http, Timeout);
        var promptTokens = await WarmUpAsync(client, Workloads.Rotating(factory, _salt)(0), cancellationToken);

        BareForwardTimes? bare = null;
        SingleStreamProfile? singleStream = null;
        if (modelPath is not null && options.BareIterations > 0)
            (bare, singleStream) = await MeasureSingleStreamAsync(modelPath, dtype, promptTokens, target, factory, client, cancellationToken);

        var runner = new ScenarioRunner(client, output, _inPlaceProgress);
        var summaries = new List<ScenarioSummary>();
        foreach (var concurrency in options.Concurrency)
        {
            var scenario = new Scenario($"throughput c={concurrency}", Scenario.Throughput, concurrency,
                options.RequestsAt(concurrency), Workloads.Rotating(factory, _salt + 10_000 * concurrency));
            summaries.Add(ScenarioSummary.From(await runner.RunAsync(scenario, cancellationToken), options.StallSeconds));
        }
        summaries.AddRange(await RunCacheScenariosAsync(runner, factory, client, cancellationToken));

        var run = new DTypeRun(dtype, loadStart, MachineLoad.OneMinute(), bare, singleStream, summaries,
            TargetEvaluator.Evaluate(summaries, singleStream));
        return (run, target.ModelId);
    }

    /// <summary>The bare model's timings, then alternating single-stream rounds: bare step, engine API, HTTP.</summary>
    private async Task<(BareForwardTimes, SingleStreamProfile)> MeasureSingleStreamAsync(string modelPath, string dtype, int promptTokens,
        BenchTarget target, ChatRequestFactory factory, StreamingChatClient client, CancellationToken cancellationToken)
    {
        output.WriteLine($"timing the bare model ({promptTokens}-token prompt, {options.BareIterations} decode steps per batch size) …");
        using var bare = new BareModel(modelPath, dtype, promptTokens, options.MaxTokens, options.Concurrency.Max());
        var times = bare.MeasureAll(options.Concurrency, options.BareIterations);
        output.WriteLine("  decode step: " + string.Join(", ", times.Decode.Select(d => $"batch {d.Batch} {d.StepMs:F1} ms")) +
                         $"; image encode {times.ImageEncodeMs:F0} ms; prefill {times.PrefillMs:F0} ms");

        output.WriteLine($"single stream: {SingleStreamRounds} rounds of bare decode steps, engine API and HTTP, alternating …");
        var png = BenchImages.Png(_salt + 3_000);
        var request = new SingleStreamRequest(factory.Build(BenchImages.DataUrl(png), Questions.Repeated), png, Questions.Repeated,
            options.MaxTokens);
        var profile = await SingleStreamProfiler.MeasureAsync(bare, target.Engine, client, request, SingleStreamRounds,
            StepsPerRound, cancellationToken);
        output.WriteLine($"  per token: bare {profile.BareDecodeMs:F1} ms, engine {profile.EngineMsPerToken:F1} ms, HTTP {profile.HttpMsPerToken:F1} ms");
        return (times, profile);
    }

    /// <summary>
    /// Cold and hot requests alternate in one sequential run, so both see the same machine load; the run is then
    /// split into the two scenarios. The hot request is sent once beforehand so its caches are warm.
    /// </summary>
    private async Task<IEnumerable<ScenarioSummary>> RunCacheScenariosAsync(ScenarioRunner runner, ChatRequestFactory factory,
        StreamingChatClient client, CancellationToken cancellationToken)
    {
        var cold = Workloads.Cold(factory, _salt, options.CacheRequests);
        var hot = Workloads.Hot(factory, _salt);
        await WarmUpAsync(client, hot(0), cancellationToken);
        var alternating = new Scenario("cache: cold and hot alternating", Scenario.CacheMiss, 1, 2 * options.CacheRequests,
            i => i % 2 == 0 ? cold(i / 2) : hot(i / 2));
        var run = await runner.RunAsync(alternating, cancellationToken);
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
        var factory = new ChatRequestFactory(target.ModelId, options.MaxTokens, options.Temperature);
        var client = new StreamingChatClient(target.Http, Timeout);
        await WarmUpAsync(client, Workloads.Rotating(factory, _salt)(0), cancellationToken);

        var duration = TimeSpan.FromMinutes(minutes);
        var warmup = TimeSpan.FromSeconds(Math.Min(60, duration.TotalSeconds / 4));
        var plan = new SoakPlan(dtype, duration, options.SoakConcurrency, options.ServerMaxNumSeqs, options.MaxWaitingRequests,
            TimeSpan.FromSeconds(options.StallSeconds), warmup);
        var soak = await new SoakRunner(client, output, _inPlaceProgress)
            .RunAsync(plan, Workloads.Rotating(factory, _salt + 1), measureRss: target.Engine is not null, cancellationToken);
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
