using System.Globalization;

namespace LlmFallback.LocalEmbeddings.Tests;

/// <summary>
/// The evaluation set through the real caching stage, real MiniLM embeddings and the default settings: near-miss
/// pairs (same words, another number, entity, date, direction, negation or comparative) must not hit, paraphrases
/// should. The numbers are reported in docs/caching.md.
/// </summary>
public sealed class SemanticEvaluationTests(ITestOutputHelper output)
{
    private const double PrecisionFloor = 0.99;
    private const double RecallFloor = 0.5;

    [Fact]
    public async Task DefaultSettings_EvaluationSet_MeetPrecisionAndRecallFloors()
    {
        var outcomes = await SemanticEvaluation.RunAsync(SemanticEvaluation.Load());

        int truePositives = 0, falsePositives = 0, paraphrases = 0, cosineTrue = 0, cosineFalse = 0;
        var threshold = new LlmSemanticCacheOptions().SimilarityThreshold;
        foreach (var o in outcomes)
        {
            // What similarity alone would have served, for comparison.
            cosineTrue += o.Cosine >= threshold && o.Pair.ExpectHit ? 1 : 0;
            cosineFalse += o.Cosine >= threshold && !o.Pair.ExpectHit ? 1 : 0;
            paraphrases += o.Pair.ExpectHit ? 1 : 0;
            truePositives += o.Hit && o.Pair.ExpectHit ? 1 : 0;
            falsePositives += o.Hit && !o.Pair.ExpectHit ? 1 : 0;
            if (o.Hit != o.Pair.ExpectHit)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{(o.Hit ? "FALSE HIT " : "missed    ")} {o.Cosine:F3} [{o.Pair.Category}] {o.Pair.Stored} | {o.Pair.Asked}"));
            }
        }

        var precision = truePositives + falsePositives == 0 ? 1 : (double)truePositives / (truePositives + falsePositives);
        var recall = (double)truePositives / paraphrases;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"pairs {outcomes.Count}, paraphrases {paraphrases}, hits {truePositives}, false hits {falsePositives}, precision {precision:F3}, recall {recall:F3}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"similarity alone at {threshold}: hits {cosineTrue}, false hits {cosineFalse}, precision {(double)cosineTrue / Math.Max(1, cosineTrue + cosineFalse):F3}"));
        Assert.True(cosineFalse > falsePositives, "the guards stopped no false hit that similarity alone would have served");
        Assert.True(precision >= PrecisionFloor, $"precision {precision:F3} is below {PrecisionFloor}");
        Assert.True(recall >= RecallFloor, $"recall {recall:F3} is below {RecallFloor}");
    }
}
