using System.Collections.Concurrent;
using static LlmFallback.Testing.Tests.TestStreams;

namespace LlmFallback.Testing.Tests;

public class ScriptedChatClientTests
{
    [Fact]
    public async Task Sequence_EachCallConsumesTheNextStep_StreamingOrNot()
    {
        using var client = ScriptedChatClient.Sequence(Script.Status(429), Script.Answer("second"), Script.Answer("third"), Script.Status(500));

        await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));
        var second = await CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token));
        var third = await client.GetResponseAsync(Hi, cancellationToken: Token);
        var fourth = await Assert.ThrowsAsync<LlmProviderException>(() => CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token)));

        Assert.Equal("second", second.ToChatResponse().Text);
        Assert.Equal("third", third.Text);
        Assert.Equal(500, fourth.StatusCode);
        Assert.Equal([false, true, false, true], client.Calls.Select(c => c.IsStreaming));
    }

    [Fact]
    public async Task Sequence_ScriptRunsOut_ThrowsInvalidOperationAndStillRecords()
    {
        using var client = ScriptedChatClient.Sequence(Script.Answer("only"));
        await client.GetResponseAsync(Hi, cancellationToken: Token);

        var plain = await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));
        var streamed = await Assert.ThrowsAsync<InvalidOperationException>(() => CollectAsync(client.GetStreamingResponseAsync(Hi, cancellationToken: Token)));

        Assert.Contains("Call 2 ", plain.Message, StringComparison.Ordinal);
        Assert.Contains("script of 1 call(s)", plain.Message, StringComparison.Ordinal);
        Assert.Contains("Call 3 ", streamed.Message, StringComparison.Ordinal);
        Assert.Equal(3, client.CallCount);
    }

    [Fact]
    public async Task Always_PlaysTheStepOnEveryCall()
    {
        using var client = ScriptedChatClient.Always(Script.Status(503));

        for (var i = 0; i < 10; i++)
        {
            await Assert.ThrowsAsync<LlmProviderException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));
        }

        Assert.Equal(10, client.CallCount);
    }

    [Fact]
    public void Constructor_BadScripts_ThrowNamingTheProblem()
    {
        Assert.Throws<ArgumentNullException>("steps", () => new ScriptedChatClient(null!));
        Assert.Contains("at least one step", Assert.Throws<ArgumentException>("steps", () => ScriptedChatClient.Sequence()).Message, StringComparison.Ordinal);
        Assert.Contains("Step 1 of the script is null", Assert.Throws<ArgumentException>("steps", () => ScriptedChatClient.Sequence(Script.Hang(), null!)).Message, StringComparison.Ordinal);
        var forever = Assert.Throws<ArgumentException>("steps", () => ScriptedChatClient.Sequence(Script.Answer("a").Forever(), Script.Answer("b")));
        Assert.Contains("Step 0 repeats forever", forever.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factories_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("steps", () => ScriptedChatClient.Sequence((ScriptStep[])null!));
        Assert.Throws<ArgumentNullException>("timeProvider", () => ScriptedChatClient.Sequence((TimeProvider)null!, Script.Hang()));
        Assert.Throws<ArgumentNullException>("steps", () => ScriptedChatClient.Sequence(TimeProvider.System, null!));
        Assert.Throws<ArgumentNullException>("step", () => ScriptedChatClient.Always(null!));
    }

    [Fact]
    public void Methods_NullArguments_Throw()
    {
        using var client = ScriptedChatClient.Always(Script.Answer("a"));

        Assert.Throws<ArgumentNullException>("messages", () => { _ = client.GetResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: Token); });
        Assert.Throws<ArgumentNullException>("messages", () => client.GetStreamingResponseAsync((IEnumerable<ChatMessage>)null!, cancellationToken: Token));
        Assert.Throws<ArgumentNullException>("serviceType", () => client.GetService(null!));
        Assert.Equal(0, client.CallCount);
    }

    [Fact]
    public async Task Calls_RecordMessagesOptionsModeAndArrivalTime()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        using var client = ScriptedChatClient.Sequence(time, Script.Answer("a"), Script.Answer("b"));
        var messages = new List<ChatMessage> { new(ChatRole.System, "be brief"), new(ChatRole.User, "hi") };
        var options = new ChatOptions { ModelId = "m1", Temperature = 0.5f };

        await client.GetResponseAsync(messages, options, Token);
        messages.Add(new ChatMessage(ChatRole.User, "added later"));
        options.ModelId = "changed later";
        time.Advance(TimeSpan.FromSeconds(5));
        await CollectAsync(client.GetStreamingResponseAsync(messages, cancellationToken: Token));

        var calls = client.Calls;
        Assert.Equal(2, calls.Count);
        Assert.Equal((0, false, start), (calls[0].Index, calls[0].IsStreaming, calls[0].ArrivedAt));
        Assert.Equal(["be brief", "hi"], calls[0].Messages.Select(m => m.Text));
        Assert.Equal("m1", calls[0].Options!.ModelId);
        Assert.Equal(0.5f, calls[0].Options!.Temperature);
        Assert.Equal((1, true, start.AddSeconds(5)), (calls[1].Index, calls[1].IsStreaming, calls[1].ArrivedAt));
        Assert.Equal(3, calls[1].Messages.Count);
        Assert.Null(calls[1].Options);
    }

    [Fact]
    public async Task Streaming_ArrivesWhenEnumerationStarts()
    {
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();
        using var client = ScriptedChatClient.Sequence(time, Script.Answer("a"), Script.Answer("b"));

        var stream = client.GetStreamingResponseAsync(Hi, cancellationToken: Token);
        Assert.Equal(0, client.CallCount);
        time.Advance(TimeSpan.FromSeconds(1));
        var first = await CollectAsync(stream);
        var again = await CollectAsync(stream);

        Assert.Equal("a", first.ToChatResponse().Text);
        Assert.Equal("b", again.ToChatResponse().Text);
        Assert.Equal(start.AddSeconds(1), client.Calls[0].ArrivedAt);
    }

    [Fact]
    public async Task CancelledToken_CallIsRecordedConsumesItsStepAndThrows()
    {
        using var client = ScriptedChatClient.Sequence(Script.Answer("a"), Script.Answer("b"), Script.Answer("c"));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Hi, cancellationToken: cts.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Hi, cancellationToken: cts.Token))
            {
            }
        });

        Assert.Equal(2, client.CallCount);
        Assert.Equal("c", (await client.GetResponseAsync(Hi, cancellationToken: Token)).Text);
    }

    [Fact]
    public async Task Calls_UnderConcurrency_EveryCallRecordedOnceWithItsOwnMessage()
    {
        const int Workers = 8;
        const int PerWorker = 250;
        using var client = ScriptedChatClient.Always(Script.Answer("ok"));

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(
            async () =>
            {
                for (var i = 0; i < PerWorker; i++)
                {
                    List<ChatMessage> message = [new(ChatRole.User, $"{w}:{i}")];
                    if (i % 2 == 0)
                    {
                        await client.GetResponseAsync(message, cancellationToken: Token);
                    }
                    else
                    {
                        await CollectAsync(client.GetStreamingResponseAsync(message, cancellationToken: Token));
                    }
                }
            },
            Token)));

        var calls = client.Calls;
        Assert.Equal(Workers * PerWorker, client.CallCount);
        Assert.Equal(Enumerable.Range(0, Workers * PerWorker), calls.Select(c => c.Index));
        var sent = calls.Select(c => c.Messages.Single().Text).ToHashSet();
        Assert.Equal(Workers * PerWorker, sent.Count);
        Assert.Equal(Workers * PerWorker / 2, calls.Count(c => c.IsStreaming));
        Assert.All(calls, c => Assert.Equal(int.Parse(c.Messages[0].Text.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture) % 2 == 1, c.IsStreaming));
    }

    [Fact]
    public async Task Sequence_UnderConcurrency_EachStepServesExactlyItsCalls()
    {
        using var client = ScriptedChatClient.Sequence(Script.Status(503).Times(300), Script.Answer("ok").Times(200));
        var outcomes = new ConcurrentBag<string>();

        await Task.WhenAll(Enumerable.Range(0, 500).Select(_ => Task.Run(
            async () =>
            {
                try
                {
                    outcomes.Add((await client.GetResponseAsync(Hi, cancellationToken: Token)).Text);
                }
                catch (LlmProviderException)
                {
                    outcomes.Add("503");
                }
            },
            Token)));

        Assert.Equal(300, outcomes.Count(o => o == "503"));
        Assert.Equal(200, outcomes.Count(o => o == "ok"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.GetResponseAsync(Hi, cancellationToken: Token));
    }

    [Fact]
    public async Task Random_UnderConcurrency_SameSeedGivesTheSameOutcomeCounts()
    {
        async Task<(int Ok, int Failed)> RunAsync()
        {
            using var client = ScriptedChatClient.Always(Script.Random(2026, (0.7, Script.Answer("ok")), (0.3, Script.Status(503))));
            var ok = 0;
            var failed = 0;
            await Task.WhenAll(Enumerable.Range(0, 400).Select(_ => Task.Run(
                async () =>
                {
                    try
                    {
                        await client.GetResponseAsync(Hi, cancellationToken: Token);
                        Interlocked.Increment(ref ok);
                    }
                    catch (LlmProviderException)
                    {
                        Interlocked.Increment(ref failed);
                    }
                },
                Token)));
            return (ok, failed);
        }

        var first = await RunAsync();
        var second = await RunAsync();

        Assert.Equal(first, second);
        Assert.Equal(400, first.Ok + first.Failed);
        Assert.InRange(first.Failed, 80, 160);
    }

    [Fact]
    public void GetService_ReturnsItselfAndMetadata()
    {
        using var client = ScriptedChatClient.Always(Script.Answer("a"));

        Assert.Same(client, client.GetService(typeof(ScriptedChatClient)));
        Assert.Same(client, client.GetService(typeof(IChatClient)));
        Assert.Equal("scripted", client.GetService<ChatClientMetadata>()!.ProviderName);
        Assert.Null(client.GetService(typeof(ScriptedChatClient), "key"));
        Assert.Null(client.GetService(typeof(string)));
    }

    [Fact]
    public async Task Dispose_KeepsTheRecordedCalls()
    {
        var client = ScriptedChatClient.Always(Script.Answer("a"));
        await client.GetResponseAsync(Hi, cancellationToken: Token);

        client.Dispose();

        Assert.Equal(1, client.CallCount);
    }

    [Fact]
    public void TimeProvider_DefaultsToTheSystemClock()
    {
        using var client = ScriptedChatClient.Sequence(Script.Answer("a"));

        Assert.Same(TimeProvider.System, client.TimeProvider);
    }
}
