using LlmFallback.Tests.Fallback;

namespace LlmFallback.Tests.Routing;

/// <summary>The usage-aware strategy through the routing stage: estimates replaced by reported usage; and routes hedging within their deployments.</summary>
public sealed class RoutingChatClientUsageTests
{
    [Fact]
    public async Task GetResponseAsync_UsageAware_ReportedTokensCountAgainstTheDeploymentThatAnswered()
    {
        var f = new RoutingFixture();
        f.Add("a", o => o.Limits.TokensPerMinute = 1000, new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, "a")) { Usage = new() { TotalTokenCount = 900 } }) });
        f.Add("b", o => o.Limits.TokensPerMinute = 1000);
        var router = f.Router(RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.UsageAware, "a", "b")));

        var first = await router.GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "r" }, FallbackFixture.Ct);
        var second = await router.GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "r" }, FallbackFixture.Ct);

        Assert.Equal(("a", "b"), (first.Text, second.Text));
        Assert.InRange(f["a"].Limiter!.Utilization(f["a"].Clock.Now, 0), 0.9, 0.901);
    }

    [Fact]
    public async Task GetResponseAsync_RoutedPlanWithHedging_HedgesToTheRoutesNextDeployment()
    {
        var f = new RoutingFixture();
        f.Add("stage-only");
        f.Add("slow", client: new TestChatClient
        {
            OnGetResponse = async (_, _, ct) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(30), f.Fallback.Time, ct);
                return new ChatResponse(new ChatMessage(ChatRole.Assistant, "slow"));
            },
        });
        f.Add("quick");
        var router = f.Router(
            RoutingFixture.Options(o => o.Routes["r"] = RoutingFixture.Route(LlmRoutingStrategy.Ordered, "slow", "quick")),
            FallbackFixture.Options(o => { o.Hedging.Enabled = true; o.Hedging.MaxHedgeRatio = 1; }));

        var task = router.GetResponseAsync([new(ChatRole.User, "hi")], new ChatOptions { ModelId = "r" }, FallbackFixture.Ct);
        await Poll.SettleAsync();
        f.Fallback.Advance(TimeSpan.FromSeconds(2));
        var response = await Poll.CompletesAsync(task);

        Assert.Equal("quick", response.Text);
        var info = response.GetLlmCallInfo()!;
        Assert.True(info.Hedged);
        Assert.Equal("r", info.Route!.Route);
        Assert.Equal(0, f.Clients["stage-only"].CallCount);
        Assert.Equal((0, 0), (f["slow"].InFlight, f["quick"].InFlight));
    }
}
