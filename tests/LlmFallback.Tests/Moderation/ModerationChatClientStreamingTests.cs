using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Moderation;

public class ModerationChatClientStreamingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static LocalModerationService Rules() => new(new LocalModerationOptions { Categories = { ["violence"] = new LocalModerationCategory { Words = ["kill them all"] } } });

    private static TestChatClient Chunks(params string[] chunks) => new() { OnGetStreamingResponse = (_, _, ct) => TestChatClient.Stream(ct, "m", chunks) };

    [Fact]
    public async Task GetStreamingResponseAsync_ViolationInALaterWindow_StopsAndStatesWhatWasSent()
    {
        var received = new List<string>();
        var options = new ModerationOptions { StreamWindowCharacters = 10, StreamWindowOverlap = 20 };
        using var client = new ModerationChatClient(Chunks("A calm start of the answer. ", "Then: kill the", "m all, it says."), Rules(), options);

        var ex = await Assert.ThrowsAsync<ModerationException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("tell me", cancellationToken: Ct))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal(LlmContentSide.Output, ex.Side);
        // "kill the" alone was clean; the overlap lets the next window see the phrase whole.
        Assert.Equal("A calm start of the answer. Then: kill the", string.Concat(received));
        Assert.Equal(received.Sum(t => t.Length), ex.CharactersSent);
        Assert.Contains("stopped after 42 characters", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HoldOff_SendsAtOnceAndStopsAfterTheFact()
    {
        var received = new List<string>();
        var options = new ModerationOptions { StreamWindowCharacters = 1000, HoldUntilChecked = false };
        using var client = new ModerationChatClient(Chunks("ok ", "kill them all"), Rules(), options);

        var ex = await Assert.ThrowsAsync<ModerationException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("tell me", cancellationToken: Ct))
            {
                received.Add(update.Text);
            }
        });

        Assert.Equal("ok kill them all", string.Concat(received));
        Assert.Equal(16, ex.CharactersSent);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CleanAnswer_ArrivesWholeAndChecksInWindows()
    {
        var service = new TestModerationService();
        var options = new ModerationOptions { StreamWindowCharacters = 8, StreamWindowOverlap = 4, CheckInput = false };
        using var client = new ModerationChatClient(Chunks("one two ", "three four ", "five"), service, options);

        var updates = await client.GetStreamingResponseAsync("x", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal("one two three four five", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(["one two ", "two three four ", "our five"], service.Calls.Select(c => c.Text));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_IntervalPassed_ChecksBeforeTheWindowIsFull()
    {
        var time = new FakeTimeProvider();
        var service = new TestModerationService();
        var options = new ModerationOptions { StreamWindowCharacters = 1000, StreamWindowInterval = TimeSpan.FromSeconds(1), CheckInput = false };
        var inner = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => Timed(time, ct) };
        using var client = new ModerationChatClient(inner, service, options, timeProvider: time);

        await client.GetStreamingResponseAsync("x", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(["a b ", "a b c"], service.Calls.Select(c => c.Text));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FlaggedOutput_ReportRidesOnTheTrailingUpdate()
    {
        var options = new ModerationOptions { DefaultAction = ModerationAction.Flag };
        using var client = new ModerationChatClient(Chunks("kill them all"), Rules(), options);

        var response = (await client.GetStreamingResponseAsync("x", cancellationToken: Ct).ToListAsync(Ct)).ToChatResponse();

        Assert.Equal("kill them all", response.Text);
        Assert.Equal("violence", Assert.Single(response.GetLlmSafetyReport()!.ModerationFlags).Category);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FlagSeenInOverlappingWindows_IsAuditedOnce()
    {
        var audit = new RecordingAuditSink();
        var options = new ModerationOptions { DefaultAction = ModerationAction.Flag, StreamWindowCharacters = 5, StreamWindowOverlap = 30 };
        using var client = new ModerationChatClient(Chunks("kill them all", " and more", " text here"), Rules(), options, audit);

        await client.GetStreamingResponseAsync("x", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Single(audit.Events, e => e.Kind == LlmAuditEventKind.ModerationFlagged);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ServiceFailsMidStreamFailClosed_StopsWithServiceFailure()
    {
        var calls = 0;
        var service = new TestModerationService { OnModerate = (_, _, _) => ++calls == 1 ? Task.FromResult(ModerationResult.Clean) : throw new InvalidOperationException("boom with content") };
        var options = new ModerationOptions { StreamWindowCharacters = 5, CheckInput = false };
        using var client = new ModerationChatClient(Chunks("12345", "67890"), service, options);

        var ex = await Assert.ThrowsAsync<ModerationException>(async () => await client.GetStreamingResponseAsync("x", cancellationToken: Ct).ToListAsync(Ct));

        Assert.True(ex.IsServiceFailure);
        Assert.Equal(5, ex.CharactersSent);
        Assert.DoesNotContain("boom", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_BlockedInput_ThrowsBeforeTheCall()
    {
        var inner = Chunks("never");
        using var client = new ModerationChatClient(inner, Rules());

        await Assert.ThrowsAsync<ModerationException>(async () => await client.GetStreamingResponseAsync("kill them all", cancellationToken: Ct).ToListAsync(Ct));

        Assert.Equal(0, inner.CallCount);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Timed(FakeTimeProvider time, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        yield return TestChatClient.Text("a ");
        await Task.Yield();
        time.Advance(TimeSpan.FromSeconds(2));
        yield return TestChatClient.Text("b ");
        yield return TestChatClient.Text("c");
        ct.ThrowIfCancellationRequested();
        yield return TestChatClient.Finish();
    }
}
