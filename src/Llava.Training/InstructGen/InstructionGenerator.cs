using Llava.Training.Data;
using Llava.Training.Shapes;

namespace Llava.Training.InstructGen;

/// <summary>
/// The paper's data step: for every scene and instruction type, ask a text-only chat model to write the conversation,
/// description or reasoning from the scene's captions and boxes, and turn its reply into a LLaVA record. Replies that
/// cannot be parsed and requests that fail are reported with the record id and skipped.
/// </summary>
public sealed class InstructionGenerator(ChatEndpointClient client, int concurrency)
{
    public async Task<LlavaDataset> GenerateAsync(IReadOnlyList<SceneAnnotation> scenes, IReadOnlyList<InstructionType> types,
        TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        var jobs = scenes.SelectMany(scene => types.Select(type => (scene, type))).ToList();
        var results = new (LlavaRecord? Record, RecordIssue? Issue)[jobs.Count];
        using var gate = new SemaphoreSlim(Math.Max(1, concurrency));
        var finished = 0;
        await Task.WhenAll(jobs.Select(async (job, index) =>
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                results[index] = await GenerateOneAsync(job.scene, job.type, cancellationToken);
            }
            finally
            {
                gate.Release();
            }
            var done = Interlocked.Increment(ref finished);
            if (progress is not null && (done % 50 == 0 || done == jobs.Count))
                progress.WriteLine($"gen-instruct: {done}/{jobs.Count} requests");
        }));
        return new LlavaDataset(
            results.Where(r => r.Record is not null).Select(r => r.Record!).ToList(),
            results.Where(r => r.Issue is not null).Select(r => r.Issue!).ToList());
    }

    private async Task<(LlavaRecord?, RecordIssue?)> GenerateOneAsync(SceneAnnotation scene, InstructionType type,
        CancellationToken cancellationToken)
    {
        var id = $"{scene.Id}-{type.Name()}";
        string content;
        try
        {
            content = await client.CompleteAsync(InstructionPrompts.Messages(type, scene), cancellationToken);
        }
        catch (ChatEndpointException e)
        {
            return (null, new RecordIssue($"id {id}", "request failed: " + e.Message));
        }
        try
        {
            var record = type == InstructionType.Detail
                ? LlavaRecord.SingleTurn(id, scene.Image, InstructionPrompts.DetailInstruction(scene), InstructionResponseParser.Description(content))
                : LlavaRecord.MultiTurn(id, scene.Image, InstructionResponseParser.Turns(content));
            LlavaRecordValidator.Validate(record);
            return (record, null);
        }
        catch (FormatException e)
        {
            return (null, new RecordIssue($"id {id}", "malformed response: " + e.Message));
        }
    }
}
