using Llava.TestSupport;
using static Llava.Engine.Tests.Tokenization.TokenizerFixtures;

namespace Llava.Engine.Tests.Tokenization;

/// <summary>
/// Our own reading of tokenizer.model must agree with an independent loader, Microsoft.ML.Tokenizers,
/// on every piece and id (the library is not used for segmentation, where it differs from SentencePiece).
/// </summary>
public class LibraryVocabularyTests
{
    [Fact]
    public void EveryPieceMatchesMicrosoftMlTokenizers()
    {
        using var stream = File.OpenRead(Path.Combine(RepoPaths.FixtureModel, "tokenizer.model"));
        var library = Microsoft.ML.Tokenizers.LlamaTokenizer.Create(stream, addBeginOfSentence: false, addEndOfSentence: false);

        Assert.True(library.Vocabulary.Count >= 32000);
        foreach (var (piece, id) in library.Vocabulary)
        {
            if (id < 32000)
                Assert.Equal(piece, Tokenizer.TokenText(id));
        }
        Assert.Equal(library.BeginningOfSentenceId, Tokenizer.BosTokenId);
        Assert.Equal(library.EndOfSentenceId, Tokenizer.EosTokenId);
        Assert.Equal(library.UnknownId, Tokenizer.UnkTokenId);
        Assert.True(library.ByteFallback);
        Assert.True(library.AddDummyPrefix);
    }
}
