using System.IO.Pipelines;
using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Replicas;

public class ReplicaPoolHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SendAsync_WithReplicas_SendsEachRequestToTheChosenReplicaKeepingPathAndQuery()
    {
        var (invoker, inner, _, _) = Create(LlmReplicaBalancing.Weighted, [2, 1]);

        for (var i = 0; i < 3; i++)
        {
            using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions?api-version=1"), Ct);
        }

        Assert.Equal(
            ["http://10.0.0.1:8000/v1/chat/completions?api-version=1", "http://10.0.0.2:9000/pool/v1/chat/completions?api-version=1", "http://10.0.0.1:8000/v1/chat/completions?api-version=1"],
            inner.Requests.Select(u => u.AbsoluteUri));
    }

    [Fact]
    public void Send_Synchronous_IsRoutedAndReleased()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.Weighted, [1, 1]);

        using (var response = invoker.Send(Get("http://localhost:8000/v1/models"), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal("http://10.0.0.1:8000/v1/models", Assert.Single(inner.Requests).AbsoluteUri);
        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_NoReplicas_PassesTheRequestThroughUnchanged()
    {
        var inner = new ScriptedHttpHandler();
        using var invoker = new HttpMessageInvoker(new ReplicaPoolHandler(new ReplicaPoolSlot(null)) { InnerHandler = inner });

        using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct);

        Assert.Equal("http://localhost:8000/v1/chat/completions", Assert.Single(inner.Requests).AbsoluteUri);
    }

    [Fact]
    public async Task SendAsync_RequestOutsideTheEndpoint_ThrowsNamingTheKeyWithoutTheAddress()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.Weighted, [1, 1]);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => invoker.SendAsync(Get("http://elsewhere:8000/secret-path"), Ct));

        Assert.Contains("Llm:Providers:local:Endpoint", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-path", ex.Message, StringComparison.Ordinal);
        Assert.Empty(inner.Requests);
        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_RequestAlreadyMovedToAReplica_IsMovedAgainFromThatReplica()
    {
        var (invoker, inner, _, _) = Create(LlmReplicaBalancing.Weighted, [1, 1]);

        using var response = await invoker.SendAsync(Get("http://10.0.0.2:9000/pool/v1/embeddings"), Ct);

        Assert.Equal("http://10.0.0.1:8000/v1/embeddings", Assert.Single(inner.Requests).AbsoluteUri);
    }

    [Fact]
    public async Task SendAsync_StreamedBody_StaysInFlightUntilReadToTheEnd()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));

        using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct);
        Assert.Equal([1, 0], InFlight(pool));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);

        var body = await response.Content.ReadAsStreamAsync(Ct);
        await pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes("data: {\"x\":1}\n\n"), Ct);
        var buffer = new byte[256];
        Assert.True(await body.ReadAsync(buffer, Ct) > 0);
        Assert.Equal([1, 0], InFlight(pool));

        // A second request meanwhile goes to the idle replica.
        inner.OnSend = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        using (await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct))
        {
        }

        Assert.Equal("http://10.0.0.2:9000/pool/v1/chat/completions", inner.Requests[1].AbsoluteUri);

        await pipe.Writer.CompleteAsync();
        Assert.Equal(0, await body.ReadAsync(buffer, Ct));
        Assert.Equal([0, 0], InFlight(pool));

        response.Dispose();
        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_ZeroByteRead_DoesNotEndTheBody()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));
        using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct);
        var body = await response.Content.ReadAsStreamAsync(Ct);
        await pipe.Writer.WriteAsync(new byte[] { 1 }, Ct);

        Assert.Equal(0, await body.ReadAsync(Memory<byte>.Empty, Ct));

        Assert.Equal([1, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_BodyDisposedUnread_ReleasesTheReplica()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));

        var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct);
        Assert.Equal([1, 0], InFlight(pool));
        response.Dispose();

        Assert.Equal([0, 0], InFlight(pool));
        Assert.Equal(0, pool.GetHealth()[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task SendAsync_BufferedRead_ReleasesTheReplicaAndKeepsContentHeaders()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        inner.OnSend = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{\"ok\":true}", Encoding.UTF8, "application/json") });

        using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("{\"ok\":true}", text);
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(11, response.Content.Headers.ContentLength);
        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_CancelledWhileWaitingForHeaders_ReleasesWithoutCountingAFailure()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        inner.OnSend = Hang;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var send = invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), cts.Token);
        Assert.Equal([1, 0], InFlight(pool));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Equal([0, 0], InFlight(pool));
        Assert.Equal(0, pool.GetHealth()[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task SendAsync_CallerCancelsAfterLongSilence_CountsNothing()
    {
        var (invoker, inner, pool, time) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        inner.OnSend = Hang;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var send = invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), cts.Token);
        time.Advance(TimeSpan.FromMinutes(5));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        var a = pool.GetHealth()[0];
        Assert.Equal(LlmReplicaState.Healthy, a.State);
        Assert.Equal(0, a.ConsecutiveFailures);
        Assert.Null(a.LastFailureKind);
        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_TwoCallerCancellationsAfterLongSilence_KeepAHealthyReplicaInRotation()
    {
        var (invoker, inner, pool, time) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1], consecutiveFailures: 2);
        inner.OnSend = Hang;

        for (var i = 0; i < 2; i++)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var send = invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), cts.Token);
            time.Advance(TimeSpan.FromSeconds(30));
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        }

        Assert.All(pool.GetHealth(), r => Assert.Equal(LlmReplicaState.Healthy, r.State));
        Assert.All(pool.GetHealth(), r => Assert.Equal(0, r.ConsecutiveFailures));
    }

    [Fact]
    public async Task SendAsync_AttemptDeadlineCancelsWhileWaitingForHeaders_CountsATimeout()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        inner.OnSend = Hang;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var timedOut = false;
        using var attempt = LlmAttemptContext.Enter(new LlmAttemptContext(() => timedOut, cts.Token));

        var send = invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), cts.Token);
        timedOut = true;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        var a = pool.GetHealth()[0];
        Assert.Equal(LlmReplicaState.Ejected, a.State);
        Assert.Equal(LlmFailureKind.Timeout, a.LastFailureKind);
        Assert.Equal(0, a.InFlight);
    }

    [Fact]
    public async Task SendAsync_CallerCancelsInsideAnAttemptContext_CountsNothing()
    {
        var (invoker, inner, pool, time) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        inner.OnSend = Hang;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var attempt = LlmAttemptContext.Enter(new LlmAttemptContext(() => false, cts.Token));

        var send = invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), cts.Token);
        time.Advance(TimeSpan.FromMinutes(5));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Equal(0, pool.GetHealth()[0].ConsecutiveFailures);
        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_TransportFailure_CountsItAndDoesNotRetry()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.Weighted, [1, 1]);
        inner.OnSend = (_, _) => throw new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused");

        await Assert.ThrowsAsync<HttpRequestException>(() => invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct));

        Assert.Single(inner.Requests);
        var a = pool.GetHealth()[0];
        Assert.Equal(LlmReplicaState.Ejected, a.State);
        Assert.Equal(LlmFailureKind.Transport, a.LastFailureKind);
        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_ServerError_IsReturnedOnceAndEjectsTheReplica()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.Weighted, [1, 1]);
        inner.OnSend = (_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));

        using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Single(inner.Requests);
        Assert.Equal(LlmReplicaState.Ejected, pool.GetHealth()[0].State);
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfter_CoolsTheReplicaAndStripsTheHeader()
    {
        var (invoker, inner, pool, time) = Create(LlmReplicaBalancing.Weighted, [1, 1]);
        inner.OnSend = (_, _) =>
        {
            var r = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("{\"error\":\"busy\"}") };
            r.Headers.TryAddWithoutValidation("Retry-After", "30");
            return Task.FromResult(r);
        };

        using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Null(response.Headers.RetryAfter);
        Assert.Equal(LlmReplicaState.CoolingDown, pool.GetHealth()[0].State);
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(30), pool.GetHealth()[0].AvailableAt);
        Assert.Equal(LlmReplicaState.Healthy, pool.GetHealth()[1].State);
    }

    [Fact]
    public async Task SendAsync_BodyReadCancelledEarly_ReleasesWithoutCountingAFailure()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));
        using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct);
        var body = await response.Content.ReadAsStreamAsync(Ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var read = body.ReadAsync(new byte[16], cts.Token).AsTask();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Equal([0, 0], InFlight(pool));
        Assert.Equal(0, pool.GetHealth()[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task SendAsync_AttemptDeadlineCancelsABodyRead_CountsATimeout()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var timedOut = false;
        using var attempt = LlmAttemptContext.Enter(new LlmAttemptContext(() => timedOut, cts.Token));
        using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), cts.Token);
        var body = await response.Content.ReadAsStreamAsync(cts.Token);

        var read = body.ReadAsync(new byte[16], cts.Token).AsTask();
        timedOut = true;
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Equal(LlmFailureKind.Timeout, pool.GetHealth()[0].LastFailureKind);
        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_CallerCancelsABodyReadAfterLongSilence_CountsNothing()
    {
        var (invoker, inner, pool, time) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));
        using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct);
        var body = await response.Content.ReadAsStreamAsync(Ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var read = body.ReadAsync(new byte[16], cts.Token).AsTask();
        time.Advance(TimeSpan.FromMinutes(5));
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => read);
        Assert.Equal(0, pool.GetHealth()[0].ConsecutiveFailures);
        Assert.Null(pool.GetHealth()[0].LastFailureKind);
        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_BodyDisposedAfterLongSilence_CountsNothing()
    {
        var (invoker, inner, pool, time) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));
        var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct);
        var body = await response.Content.ReadAsStreamAsync(Ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var read = body.ReadAsync(new byte[16], cts.Token).AsTask();

        time.Advance(TimeSpan.FromMinutes(5));
        response.Dispose();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => read);

        Assert.Equal(0, pool.GetHealth()[0].ConsecutiveFailures);
        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_BodyCutMidStream_CountsATransportFailure()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));
        using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), Ct);
        var body = await response.Content.ReadAsStreamAsync(Ct);

        await pipe.Writer.CompleteAsync(new IOException("connection reset"));

        await Assert.ThrowsAsync<IOException>(async () => _ = await body.ReadAsync(new byte[16], Ct));
        Assert.Equal(LlmFailureKind.Transport, pool.GetHealth()[0].LastFailureKind);
        Assert.Equal(1, pool.GetHealth()[0].ConsecutiveFailures);
        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_RequestTokenCancelledAfterHeaders_ReleasesTheReplica()
    {
        var (invoker, inner, pool, _) = Create(LlmReplicaBalancing.LeastInFlight, [1, 1]);
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        using var response = await invoker.SendAsync(Get("http://localhost:8000/v1/chat/completions"), cts.Token);
        Assert.Equal([1, 0], InFlight(pool));
        await cts.CancelAsync();

        Assert.Equal([0, 0], InFlight(pool));
    }

    [Fact]
    public async Task SendAsync_ThroughHttpClientAttemptEndsAfterHeaders_ReleasesTheReplica()
    {
        var (client, inner, pool, _) = CreateHttpClient();
        using var disposeClient = client;
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        using var attempt = LlmAttemptContext.Enter(new LlmAttemptContext(() => false, cts.Token));

        using var response = await client.SendAsync(Get("http://localhost:8000/v1/chat/completions"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal([1, 0], InFlight(pool));
        await cts.CancelAsync();

        Assert.Equal([0, 0], InFlight(pool));
        Assert.Equal(0, pool.GetHealth()[0].ConsecutiveFailures);
    }

    [Fact]
    public async Task SendAsync_ThroughHttpClientAttemptDeadlineAfterHeaders_ReleasesAndCountsATimeout()
    {
        var (client, inner, pool, _) = CreateHttpClient();
        using var disposeClient = client;
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var timedOut = false;
        using var attempt = LlmAttemptContext.Enter(new LlmAttemptContext(() => timedOut, cts.Token));

        using var response = await client.SendAsync(Get("http://localhost:8000/v1/chat/completions"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        timedOut = true;
        await cts.CancelAsync();

        Assert.Equal([0, 0], InFlight(pool));
        Assert.Equal(LlmFailureKind.Timeout, pool.GetHealth()[0].LastFailureKind);
    }

    [Fact]
    public async Task SendAsync_ThroughHttpClientCancelledAfterHeadersWithoutContext_IsReleasedByTheBodyReadOrDisposal()
    {
        var (client, inner, pool, _) = CreateHttpClient();
        using var disposeClient = client;
        var pipe = new Pipe();
        inner.OnSend = (_, _) => Task.FromResult(Streaming(pipe));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        // HttpClient disposes the token source it linked the request token into once headers arrive: the
        // cancellation itself cannot reach the pool, the next read (or disposing the response) releases the replica.
        var response = await client.SendAsync(Get("http://localhost:8000/v1/chat/completions"), HttpCompletionOption.ResponseHeadersRead, cts.Token);
        await cts.CancelAsync();
        Assert.Equal([1, 0], InFlight(pool));

        var body = await response.Content.ReadAsStreamAsync(Ct);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => _ = await body.ReadAsync(new byte[16], cts.Token));
        Assert.Equal([0, 0], InFlight(pool));

        var second = await client.SendAsync(Get("http://localhost:8000/v1/chat/completions"), HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(1, InFlight(pool).Sum());
        second.Dispose();
        response.Dispose();
        Assert.Equal([0, 0], InFlight(pool));
        Assert.All(pool.GetHealth(), r => Assert.Equal(0, r.ConsecutiveFailures));
    }

    [Fact]
    public async Task SendAsync_ProbeAfterEjection_RecoversTheReplicaOnAGoodAnswer()
    {
        var (invoker, inner, pool, time) = Create(LlmReplicaBalancing.Weighted, [1, 1]);
        var down = true;
        inner.OnSend = (request, _) => Task.FromResult(new HttpResponseMessage(down && request.RequestUri!.Host == "10.0.0.1" ? HttpStatusCode.BadGateway : HttpStatusCode.OK));

        using (await invoker.SendAsync(Get("http://localhost:8000/v1/x"), Ct))
        {
        }

        Assert.Equal(LlmReplicaState.Ejected, pool.GetHealth()[0].State);
        down = false;
        time.Advance(TimeSpan.FromSeconds(10));
        using (await invoker.SendAsync(Get("http://localhost:8000/v1/x"), Ct))
        {
        }

        Assert.Equal("10.0.0.1", inner.Requests[^1].Host);
        Assert.Equal(LlmReplicaState.Healthy, pool.GetHealth()[0].State);
    }

    private static (HttpClient Client, ScriptedHttpHandler Inner, ReplicaPool Pool, FakeTimeProvider Time) CreateHttpClient()
    {
        var (pool, time) = CreatePool(LlmReplicaBalancing.LeastInFlight, [1, 1], 1);
        var inner = new ScriptedHttpHandler();
        var client = new HttpClient(new ReplicaPoolHandler(new ReplicaPoolSlot(pool)) { InnerHandler = inner }) { Timeout = Timeout.InfiniteTimeSpan };
        return (client, inner, pool, time);
    }

    private static (HttpMessageInvoker Invoker, ScriptedHttpHandler Inner, ReplicaPool Pool, FakeTimeProvider Time) Create(LlmReplicaBalancing balancing, int[] weights, int consecutiveFailures = 1)
    {
        var (pool, time) = CreatePool(balancing, weights, consecutiveFailures);
        var inner = new ScriptedHttpHandler();
        var invoker = new HttpMessageInvoker(new ReplicaPoolHandler(new ReplicaPoolSlot(pool)) { InnerHandler = inner });
        return (invoker, inner, pool, time);
    }

    private static (ReplicaPool Pool, FakeTimeProvider Time) CreatePool(LlmReplicaBalancing balancing, int[] weights, int consecutiveFailures)
    {
        var options = new LlmProviderOptions { Endpoint = new("http://localhost:8000/v1"), Balancing = balancing };
        options.ReplicaHealth.ConsecutiveFailures = consecutiveFailures;
        for (var i = 0; i < weights.Length; i++)
        {
            var address = i == 0 ? "http://10.0.0.1:8000/v1" : $"http://10.0.0.{i + 1}:9000/pool/v1/";
            options.Replicas.Add(new LlmReplicaOptions { Endpoint = new(address), Weight = weights[i] });
        }

        var time = new FakeTimeProvider();
        return (new ReplicaPool("local", "Llm:Providers:local", options, time, null), time);
    }

    private static HttpRequestMessage Get(string address) => new(HttpMethod.Get, address);

    private static HttpResponseMessage Streaming(Pipe pipe)
    {
        var content = new StreamContent(pipe.Reader.AsStream());
        content.Headers.ContentType = new("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    private static async Task<HttpResponseMessage> Hang(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        throw new InvalidOperationException("unreachable");
    }

    private static int[] InFlight(ReplicaPool pool) => [.. pool.GetHealth().Select(r => r.InFlight)];
}
