namespace LlmFallback.Tests.Audit;

public class LlmAuditEventTests
{
    [Fact]
    public void Constructor_KeepsValues()
    {
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var e = new LlmAuditEvent(LlmAuditEventKind.PiiDetected, at, "pii") { User = "u", Counts = new Dictionary<string, int> { ["EMAIL"] = 2 } };

        Assert.Equal(LlmAuditEventKind.PiiDetected, e.Kind);
        Assert.Equal(at, e.Timestamp);
        Assert.Equal("pii", e.Stage);
        Assert.Equal("u", e.User);
        Assert.Equal(2, e.Counts!["EMAIL"]);
    }

    [Fact]
    public void Constructor_BlankStage_Throws() =>
        Assert.Throws<ArgumentException>("stage", () => new LlmAuditEvent(LlmAuditEventKind.InputRejected, default, " "));
}
