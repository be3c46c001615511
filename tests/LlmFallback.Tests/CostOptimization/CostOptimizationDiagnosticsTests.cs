using LlmFallback.Tests.Metering;

namespace LlmFallback.Tests.CostOptimization;

[Collection(MeterCollection.Name)]
public sealed class CostOptimizationDiagnosticsTests
{
    [Fact]
    public void Select_ChunksLeftOut_AreExportedAsTokensSaved()
    {
        using var capture = new TelemetryCapture();

        var selection = LlmContextSelector.Select([new LlmContextChunk("one two three four five", 1), new LlmContextChunk("six", 0.5)], 0);

        var (unit, points) = capture.Read("llmfallback.tokens.saved", new("llmfallback.technique", "context_selection"));
        Assert.Equal("{token}", unit);
        Assert.Equal(selection.TokensSaved, Assert.Single(points).Value);
    }
}
