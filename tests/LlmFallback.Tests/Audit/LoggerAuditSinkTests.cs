using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace LlmFallback.Tests.Audit;

public class LoggerAuditSinkTests
{
    [Fact]
    public async Task WriteAsync_PiiEvent_WritesAStructuredEventInTheAuditCategory()
    {
        var collector = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(collector)));
        var sink = new LoggerAuditSink(factory);
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        await sink.WriteAsync(new LlmAuditEvent(LlmAuditEventKind.PiiDetected, at, "pii") { Direction = "input", Action = "redact", User = "u1", Counts = new Dictionary<string, int> { ["Phone"] = 1, ["Email"] = 2 } }, TestContext.Current.CancellationToken);

        var record = Assert.Single(collector.GetSnapshot());
        Assert.Equal("LlmFallback.Audit", record.Category);
        Assert.Equal(1001, record.Id.Id);
        Assert.Equal("PiiDetected", record.Id.Name);
        Assert.Equal("Email=2,Phone=1", record.GetStructuredStateValue("Counts"));
        Assert.Equal("u1", record.GetStructuredStateValue("User"));
        Assert.Equal("Audit: pii found personal data on the input side and applied redact: Email=2,Phone=1 (user u1, tenant , key , at 03/01/2026 12:00:00 +00:00).", record.Message);
    }

    [Theory]
    [InlineData(LlmAuditEventKind.ModerationBlocked, 1002, LogLevel.Warning)]
    [InlineData(LlmAuditEventKind.ModerationFlagged, 1003, LogLevel.Information)]
    [InlineData(LlmAuditEventKind.InputRejected, 1004, LogLevel.Warning)]
    [InlineData(LlmAuditEventKind.BudgetExceeded, 1005, LogLevel.Warning)]
    [InlineData(LlmAuditEventKind.RateLimited, 1006, LogLevel.Warning)]
    [InlineData((LlmAuditEventKind)99, 1099, LogLevel.Information)]
    public async Task WriteAsync_EachKind_HasItsStableEventId(LlmAuditEventKind kind, int id, LogLevel level)
    {
        var collector = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.AddProvider(new FakeLoggerProvider(collector)));

        await new LoggerAuditSink(factory).WriteAsync(new LlmAuditEvent(kind, DateTimeOffset.UnixEpoch, "stage") { Reason = "MaxMessages" }, TestContext.Current.CancellationToken);

        var record = Assert.Single(collector.GetSnapshot());
        Assert.Equal((id, level), (record.Id.Id, record.Level));
    }

    [Fact]
    public async Task WriteAsync_NullEvent_Throws()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await new LoggerAuditSink(null).WriteAsync(null!, TestContext.Current.CancellationToken));
    }
}
