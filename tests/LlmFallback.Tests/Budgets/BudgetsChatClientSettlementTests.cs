using LlmFallback.Tests.Metering;
using Microsoft.Extensions.Time.Testing;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Budgets;

/// <summary>Downgrades, and what is charged after a call or a stream: the actual cost, or nothing for a failure.</summary>
public sealed class BudgetsChatClientSettlementTests : BudgetsTestBase
{
    [Fact]
    public async Task GetResponseAsync_Downgrade_SendsTheRequestToTheCheaperModel()
    {
        var inner = Answering("Hi", "gpt-4o-mini", Usage(10, 10));
        using var metered = new CostMeteringChatClient(inner);
        using var client = Client(metered, o =>
        {
            o.PerTenant.Daily = 0.005m;
            o.OnExceeded = LlmBudgetAction.Downgrade;
            o.DowngradeTo = "gpt-4o-mini";
        });
        var request = Request("gpt-4o");
        request.MaxOutputTokens = 1000;

        var response = await client.GetResponseAsync(Prompt(), request, Ct);

        Assert.Equal("gpt-4o-mini", Assert.Single(inner.Options)!.ModelId);
        Assert.Equal("gpt-4o", request.ModelId);
        Assert.Equal("gpt-4o-mini", response.GetLlmCallInfo()?.BudgetDowngradedTo);
        var audit = Assert.Single(_audit.Events);
        Assert.Equal("downgrade", audit.Action);
    }

    [Fact]
    public async Task GetResponseAsync_DowngradeDoesNotFitEither_Stops()
    {
        using var client = Client(Answering("Hi", "gpt-4o-mini", Usage(10, 10)), o =>
        {
            o.PerTenant.Daily = 0.0001m;
            o.OnExceeded = LlmBudgetAction.Downgrade;
            o.DowngradeTo = "gpt-4o-mini";
        });
        var request = Request("gpt-4o");
        request.MaxOutputTokens = 1000;

        await Assert.ThrowsAsync<BudgetExceededException>(() => client.GetResponseAsync(Prompt(), request, Ct));
        Assert.Equal("reject", Assert.Single(_audit.Events).Action);
    }

    [Fact]
    public async Task GetResponseAsync_DowngradeCancelledWhileAudited_ReleasesTheCheaperReservation()
    {
        using var cts = new CancellationTokenSource();
        var options = new BudgetOptions { OnExceeded = LlmBudgetAction.Downgrade, DowngradeTo = "gpt-4o-mini" };
        options.PerTenant.Daily = 0.005m;
        using var client = new BudgetsChatClient(Answering("Hi", "gpt-4o-mini", Usage(10, 10)), _store, options, auditSink: new CancellingAuditSink(cts), timeProvider: _time);
        var request = Request("gpt-4o");
        request.MaxOutputTokens = 1000;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetResponseAsync(Prompt(), request, cts.Token));

        Assert.Equal(0m, await _store.GetSpentAsync(Counter(LlmBudgetScope.Tenant, "acme", new LlmBudgetLimits { Daily = 0.005m }), Ct));
    }

    [Fact]
    public async Task GetResponseAsync_AfterTheCall_ChargesTheActualCostNotTheEstimate()
    {
        var limits = new LlmBudgetLimits { Daily = 1m };
        using var client = Client(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000)), o => o.PerTenant.Daily = 1m);

        await client.GetResponseAsync(Prompt(), Request(), Ct);

        Assert.Equal(CallCost, await _store.GetSpentAsync(Counter(LlmBudgetScope.Tenant, "acme", limits), Ct));
    }

    [Fact]
    public async Task GetResponseAsync_MeteredInside_ChargesTheMeteredCost()
    {
        var limits = new LlmBudgetLimits { Daily = 1m };
        using var metered = new CostMeteringChatClient(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000, 1000)));
        using var client = Client(metered, o => o.PerTenant.Daily = 1m);

        await client.GetResponseAsync(Prompt(), Request(), Ct);

        // All input cached: 1000 × 0.075 + 1000 × 0.60 per million.
        Assert.Equal(0.000675m, await _store.GetSpentAsync(Counter(LlmBudgetScope.Tenant, "acme", limits), Ct));
    }

    [Fact]
    public async Task GetResponseAsync_FailedCall_ReleasesTheReservation()
    {
        var inner = new FakeChatClient("p") { OnGetResponse = (_, _, _) => Task.FromException<ChatResponse>(new HttpRequestException("down")) };
        using var client = Client(inner, o => o.PerTenant.Daily = 1m);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetResponseAsync(Prompt(), Request(), Ct));

        Assert.Equal(0m, await _store.GetSpentAsync(Counter(LlmBudgetScope.Tenant, "acme", new LlmBudgetLimits { Daily = 1m }), Ct));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CompletedStream_ChargesTheActualCost()
    {
        var limits = new LlmBudgetLimits { Daily = 1m };
        using var client = Client(Answering("Hello there", "gpt-4o-mini", Usage(1000, 1000)), o => o.PerTenant.Daily = 1m);

        await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), Request(), Ct))
        {
        }

        Assert.Equal(CallCost, await _store.GetSpentAsync(Counter(LlmBudgetScope.Tenant, "acme", limits), Ct));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FailedStream_ReleasesTheReservation()
    {
        var inner = new FakeChatClient("p") { OnGetStreamingResponse = (_, _, ct) => Failing(ct) };
        using var client = Client(inner, o => o.PerTenant.Daily = 1m);

        await Assert.ThrowsAsync<HttpRequestException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), Request(), Ct))
            {
            }
        });

        Assert.Equal(0m, await _store.GetSpentAsync(Counter(LlmBudgetScope.Tenant, "acme", new LlmBudgetLimits { Daily = 1m }), Ct));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerCancelsAfterOutput_KeepsTheEstimateLikeAStreamItStoppedReading()
    {
        var limits = new LlmBudgetLimits { Daily = 1m };
        var inner = new FakeChatClient("p") { OnGetStreamingResponse = (_, _, ct) => OutputThenSilence(ct) };
        using var client = Client(inner, o => o.PerTenant.Daily = 1m);

        await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), Request(), Ct))
        {
            break;
        }

        var stoppedReading = await _store.GetSpentAsync(Counter(LlmBudgetScope.Tenant, "acme", limits), Ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), Request(), cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        Assert.True(stoppedReading > 0m);
        Assert.Equal(2 * stoppedReading, await _store.GetSpentAsync(Counter(LlmBudgetScope.Tenant, "acme", limits), Ct));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CallerCancelsBeforeAnyOutput_ReleasesTheReservation()
    {
        var inner = new FakeChatClient("p") { OnGetStreamingResponse = (_, _, ct) => Silence(ct) };
        using var client = Client(inner, o => o.PerTenant.Daily = 1m);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var reading = Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), Request(), cts.Token))
            {
            }
        });
        await cts.CancelAsync();
        await reading;

        Assert.Equal(0m, await _store.GetSpentAsync(Counter(LlmBudgetScope.Tenant, "acme", new LlmBudgetLimits { Daily = 1m }), Ct));
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> OutputThenSilence([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        yield return new ChatResponseUpdate(ChatRole.Assistant, "Hello");
        await Task.Delay(Timeout.Infinite, ct);
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Silence([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Delay(Timeout.Infinite, ct);
        yield break;
    }

    /// <summary>An audit sink whose write is cancelled: the caller's token fires while it writes.</summary>
    private sealed class CancellingAuditSink(CancellationTokenSource cts) : IAuditSink
    {
        public async ValueTask WriteAsync(LlmAuditEvent auditEvent, CancellationToken cancellationToken = default)
        {
            await cts.CancelAsync();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_InnerThrowsBeforeItsStream_ReleasesTheReservation()
    {
        // A client that validates the request before returning its stream (as the OpenAI adapter converts messages) throws at the call.
        var inner = new FakeChatClient("p") { OnGetStreamingResponse = (_, _, _) => throw new NotSupportedException("content") };
        using var client = Client(inner, o => o.PerTenant.Daily = 1m);

        await Assert.ThrowsAsync<NotSupportedException>(async () =>
        {
            await foreach (var _ in client.GetStreamingResponseAsync(Prompt(), Request(), Ct))
            {
            }
        });

        Assert.Equal(0m, await _store.GetSpentAsync(Counter(LlmBudgetScope.Tenant, "acme", new LlmBudgetLimits { Daily = 1m }), Ct));
    }

    private static async IAsyncEnumerable<ChatResponseUpdate> Failing([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        await Task.Yield();
        yield return new ChatResponseUpdate(ChatRole.Assistant, "partial");
        ct.ThrowIfCancellationRequested();
        throw new HttpRequestException("cut");
    }
}
