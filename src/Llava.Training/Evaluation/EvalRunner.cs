using System.Diagnostics;
using System.Text;
using Llava.Engine.Generation;
using Llava.Engine.Prompting;
using Llava.Engine.Sampling;

namespace Llava.Training.Evaluation;

/// <summary>
/// Asks held-out questions through the real engine — chat template, tokenizer, image preprocessing, KV-cache
/// batching and greedy decoding exactly as the server runs them — and scores the answers.
/// </summary>
public static class EvalRunner
{
    public static async Task<EvalResult> RunAsync(IGenerationEngine engine, IReadOnlyList<EvalQuestion> questions, string imagesDir,
        int maxTokens, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        var sampling = new SamplingParams { Temperature = 0, MaxTokens = maxTokens };
        var answers = await Task.WhenAll(questions.Select(async question =>
        {
            var image = await File.ReadAllBytesAsync(Path.Combine(imagesDir, question.Image), cancellationToken);
            var prompt = engine.Prompts.Build([new ChatMessage("user", [new ImagePart(image), new TextPart(question.Question)])]);
            var text = new StringBuilder();
            await foreach (var step in engine.GenerateAsync(prompt, sampling, cancellationToken))
                text.Append(step.Text);
            var answer = text.ToString().Trim();
            return new EvalAnswer(question, answer, AnswerScorer.IsCorrect(question.Kind, question.Expected, answer));
        }));
        return new EvalResult(answers, watch.Elapsed);
    }
}
