using LlmFallback.Testing;

namespace LlmFallback.Tests.Fallback;

/// <summary>The first-token timeout in auto mode: the fixed value until enough streams started, then p99 × k within a floor and a ceiling.</summary>
public sealed class FallbackChatClientAdaptiveTimeoutTests
{
    private static readonly List<ChatMessage> Hello = [new(ChatRole.User, "hello")];

    private static FallbackOptions Auto(int minSamples = 20) => FallbackFixture.Options(o =>
    {
        o.Streaming.FirstTokenTimeout = TimeSpan.FromSeconds(20);
        o.Streaming.FirstTokenTimeoutMode = LlmTimingMode.Auto;
        o.Streaming.AutoFirstTokenTimeout.MinSamples = minSamples;
    });

    [Fact]
    public async Task GetStreamingResponseAsync_LearnsFromTwentyStreams_ThenTimesOutAtThreeTimesP99AndFallsOver()
    {
        var f = new FallbackFixture();
        var steps = Enumerable.Repeat<ScriptStep>(Script.Stream("ok").WithFirstTokenDelay(TimeSpan.FromSeconds(1)), 20).Append(Script.Stream("late").WithFirstTokenDelay(TimeSpan.FromSeconds(5))).ToArray();
        var chat = f.Provider("chat", f.Script(steps));
        var backupClient = f.Script(Script.Stream("backup"));
        var client = f.Client([chat, f.Provider("backup", backupClient)], Auto());

        for (var i = 0; i < 20; i++)
        {
            var stream = new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct));
            if (i == 0)
            {
                // Cold start: the fixed value.
                await Poll.UntilAsync(() => f.Time.TryTakeArmed(TimeSpan.FromSeconds(20)), "the cold-start limit is armed");
            }

            await Poll.UntilAsync(() => f.Time.TryTakeArmed(TimeSpan.FromSeconds(1)), "the first token is scheduled");
            f.Advance(TimeSpan.FromSeconds(1));
            Assert.Equal("ok", (await Poll.CompletesAsync(stream)).Text);
        }

        Assert.Equal(20, chat.FirstToken!.Count);
        var late = new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct));

        // 1 s lies in the bucket whose upper bound is 2^(40/4) ms = 1024 ms; × 3 = 3072 ms, above the 2 s floor.
        await f.ExpectCallAfterAsync(backupClient, TimeSpan.FromMilliseconds(3072));
        var result = await Poll.CompletesAsync(late);

        Assert.Equal("backup", result.Text);
        Assert.Equal((LlmFailureKind.Timeout, "first_token_timeout"), (result.Updates[^1].GetLlmCallInfo()!.Attempts[0].Kind, result.Updates[^1].GetLlmCallInfo()!.Attempts[0].Failure!.ErrorCode));

        // The cut-off stream is recorded at its limit, so a deployment that became slower raises its limit.
        Assert.Equal(21, chat.FirstToken.Count);
        // p99 of 21 samples is now the 3072 ms one: bucket upper bound 2^(47/4) ms = 3444 ms; × 3.
        Assert.Equal(3 * Math.Pow(2, 47 / 4.0), new AdaptiveTimeoutOptions().LimitFor(chat, TimeSpan.FromSeconds(20)).TotalMilliseconds, precision: 3);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ProviderWithoutEnoughSamples_KeepsItsOwnFixedValue()
    {
        var f = new FallbackFixture();
        var chat = f.Provider("chat", f.Script(Script.Stream("late").WithFirstTokenDelay(TimeSpan.FromSeconds(30))), o => o.Resilience.FirstTokenTimeout = TimeSpan.FromSeconds(7));
        var backupClient = f.Script(Script.Stream("backup"));
        var client = f.Client([chat, f.Provider("backup", backupClient)], Auto());
        for (var i = 0; i < 19; i++)
        {
            chat.RecordFirstToken(TimeSpan.FromMilliseconds(100));
        }

        var stream = new StreamResult().ReadAsync(client.GetStreamingResponseAsync(Hello, null, FallbackFixture.Ct));
        await f.ExpectCallAfterAsync(backupClient, TimeSpan.FromSeconds(7));

        Assert.Equal("backup", (await Poll.CompletesAsync(stream)).Text);
    }

    [Fact]
    public void LimitFor_FloorCeilingAndColdStart()
    {
        var f = new FallbackFixture();
        var provider = f.Provider("p", new TestChatClient());
        provider.TrackLoad();
        var options = new AdaptiveTimeoutOptions { MinSamples = 3, Floor = TimeSpan.FromSeconds(2), Ceiling = TimeSpan.FromSeconds(60) };

        Assert.Equal(TimeSpan.FromSeconds(20), options.LimitFor(provider, TimeSpan.FromSeconds(20)));
        for (var i = 0; i < 3; i++)
        {
            provider.RecordFirstToken(TimeSpan.FromMilliseconds(10));
        }

        Assert.Equal(TimeSpan.FromSeconds(2), options.LimitFor(provider, TimeSpan.FromSeconds(20)));
        for (var i = 0; i < 300; i++)
        {
            provider.RecordFirstToken(TimeSpan.FromMinutes(2));
        }

        Assert.Equal(TimeSpan.FromSeconds(60), options.LimitFor(provider, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void LimitFor_ProviderNotTracked_ColdStartValue()
    {
        var f = new FallbackFixture();
        var provider = f.Provider("p", new TestChatClient());

        provider.RecordFirstToken(TimeSpan.FromSeconds(1));

        Assert.Null(provider.FirstToken);
        Assert.Equal(TimeSpan.FromSeconds(9), new AdaptiveTimeoutOptions { MinSamples = 1 }.LimitFor(provider, TimeSpan.FromSeconds(9)));
    }
}
