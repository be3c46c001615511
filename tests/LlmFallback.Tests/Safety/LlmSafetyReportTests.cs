namespace LlmFallback.Tests.Safety;

public class LlmSafetyReportTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void AddPii_SameTypeActionAndSide_AddsUpCounts()
    {
        var report = new LlmSafetyReport();

        report.AddPii("Email", PiiAction.Redact, LlmContentSide.Input, 2);
        report.AddPii("Email", PiiAction.Redact, LlmContentSide.Input, 1);
        report.AddPii("Email", PiiAction.Warn, LlmContentSide.Output, 1);

        Assert.Equal([new PiiActionCount("Email", PiiAction.Redact, LlmContentSide.Input, 3), new PiiActionCount("Email", PiiAction.Warn, LlmContentSide.Output, 1)], report.Pii);
        Assert.Equal(4, report.GetPiiCount("email"));
        Assert.Equal("2 PII entries, 0 moderation flags", report.ToString());
    }

    [Fact]
    public void GetLlmSafetyReport_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ((ChatResponse)null!).GetLlmSafetyReport());
        Assert.Throws<ArgumentNullException>(() => ((ChatResponseUpdate)null!).GetLlmSafetyReport());
        Assert.Throws<ArgumentNullException>(() => new LlmSafetyReport().GetPiiCount(null!));
    }

    [Fact]
    public async Task StackedStagesOverAFallbackStream_ShareOneReportOnTheLlmCallInfo()
    {
        var info = new LlmCallInfo("primary", "m", TimeSpan.Zero);
        var final = TestChatClient.Finish();
        final.AdditionalProperties = new() { [LlmCallInfo.AdditionalPropertiesKey] = info };
        var inner = TestChatClient.Streaming([TestChatClient.Text("Hi <EMAIL_1>, falcon away."), final]);
        var moderator = new LocalModerationService(new LocalModerationOptions { Categories = { ["codename"] = new() { Words = ["falcon"] } } });
        using var client = new ModerationChatClient(new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise }), moderator, new ModerationOptions { DefaultAction = ModerationAction.Flag });

        var updates = await client.GetStreamingResponseAsync("I am a@example.com", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal("Hi a@example.com, falcon away.", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(2, updates.Count);
        var report = info.Safety!;
        Assert.Same(report, updates[^1].GetLlmSafetyReport());
        Assert.Equal(1, report.GetPiiCount("Email"));
        Assert.Equal("codename", Assert.Single(report.ModerationFlags).Category);
    }

    [Fact]
    public async Task StackedStagesOverABareStream_ShareOneTrailingReport()
    {
        var inner = TestChatClient.Streaming([TestChatClient.Text("falcon"), TestChatClient.Finish()]);
        var moderator = new LocalModerationService(new LocalModerationOptions { Categories = { ["codename"] = new() { Words = ["falcon"] } } });
        using var client = new ModerationChatClient(new PiiRedactionChatClient(inner), moderator, new ModerationOptions { DefaultAction = ModerationAction.Flag });

        var updates = await client.GetStreamingResponseAsync("I am a@example.com", cancellationToken: Ct).ToListAsync(Ct);
        var response = updates.ToChatResponse();

        Assert.Single(updates, u => u.GetLlmSafetyReport() is not null);
        var report = response.GetLlmSafetyReport()!;
        Assert.Equal(1, report.GetPiiCount("Email"));
        Assert.Single(report.ModerationFlags);
    }
}
