using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.Tests.Replicas;

/// <summary>
/// The replica pool end to end: a real <see cref="HttpClient"/> from <see cref="IHttpClientFactory"/> registered by
/// <c>AddLlmHttpClient</c>, configured from <c>Llm:Providers:local</c>, against Kestrel replicas on 127.0.0.1.
/// The adapter's base address (<c>http://localhost:8000/v1</c>) is never contacted: every request is moved onto a replica.
/// </summary>
public sealed class ReplicaPoolLoopbackTests : IAsyncLifetime
{
    private const string Completions = "http://localhost:8000/v1/chat/completions?trace=1";
    private readonly FakeTimeProvider _time = new();
    private readonly List<ReplicaLoopbackServer> _servers = [];
    private ServiceProvider? _services;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        _services?.Dispose();
        foreach (var s in _servers)
        {
            await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task Weighted_ThreeReplicas_SpreadsTrafficByWeightOntoEachPathPrefix()
    {
        var client = await StartAsync("Weighted", [3, 2, 1]);

        for (var i = 0; i < 12; i++)
        {
            using var response = await client.PostAsync(Completions, Json(), Ct);
            response.EnsureSuccessStatusCode();
        }

        Assert.Equal([6, 4, 2], _servers.Select(s => s.Hits));
        for (var i = 0; i < _servers.Count; i++)
        {
            Assert.All(_servers[i].Paths, p => Assert.Equal($"/r{i}/v1/chat/completions?trace=1", p));
        }

        Assert.All(Pools.GetHealth("local"), r => Assert.Equal(0, r.InFlight));
    }

    [Fact]
    public async Task LeastInFlight_StreamedResponseHeld_CountsUntilTheBodyEnds()
    {
        var client = await StartAsync("LeastInFlight", [1, 1]);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _servers[0].Respond = async context =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{\"content\":\"he\"}}]}\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await gate.Task.WaitAsync(context.RequestAborted);
            await context.Response.WriteAsync("data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", context.RequestAborted);
        };

        using var stream = await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, Completions) { Content = Json() }, HttpCompletionOption.ResponseHeadersRead, Ct);
        var body = await stream.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[4096];
        Assert.True(await body.ReadAsync(buffer, Ct) > 0);
        Assert.Equal([1, 0], Pools.GetHealth("local").Select(r => r.InFlight));

        // While the stream is open, new requests go to the idle replica.
        for (var i = 0; i < 3; i++)
        {
            using var other = await client.PostAsync(Completions, Json(), Ct);
            other.EnsureSuccessStatusCode();
        }

        Assert.Equal(3, _servers[1].Hits);
        Assert.Equal(1, _servers[0].Hits);

        gate.SetResult();
        var text = new StringBuilder();
        int read;
        while ((read = await body.ReadAsync(buffer, Ct)) > 0)
        {
            text.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        Assert.Contains("[DONE]", text.ToString(), StringComparison.Ordinal);
        Assert.Equal([0, 0], Pools.GetHealth("local").Select(r => r.InFlight));
    }

    [Fact]
    public async Task DeadReplica_ConnectionRefused_IsTakenOutAndBackAfterItReturns()
    {
        var client = await StartAsync("Weighted", [1, 1]);
        var dead = _servers[1];
        var port = dead.Port;
        await dead.StopAsync();

        using (var first = await client.PostAsync(Completions, Json(), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        // The refused request fails to the caller (the attempt policy retries; the pool never does)...
        await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(Completions, Json(), Ct));
        var b = Pools.GetHealth("local")[1];
        Assert.Equal(LlmReplicaState.Ejected, b.State);
        Assert.Equal(LlmFailureKind.Transport, b.LastFailureKind);

        // ...and the retry, like all traffic until the ejection ends, lands on the live replica.
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsync(Completions, Json(), Ct);
            Assert.Equal("from r0", await AnswerOf(response));
        }

        await dead.StartAsync(port, Ct);
        _time.Advance(TimeSpan.FromSeconds(10));
        using (var probe = await client.PostAsync(Completions, Json(), Ct))
        {
            Assert.Equal("from r1", await AnswerOf(probe));
        }

        Assert.Equal(LlmReplicaState.Healthy, Pools.GetHealth("local")[1].State);
        var answers = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsync(Completions, Json(), Ct);
            answers.Add(await AnswerOf(response));
        }

        Assert.Equal(2, answers.Count(a => a == "from r1"));
    }

    [Fact]
    public async Task Replica503_IsTakenOutOfRotationAndRecoversAfterItComesBack()
    {
        var client = await StartAsync("Weighted", [1, 1], consecutiveFailures: 2);
        var down = true;
        _servers[1].Respond = context =>
        {
            if (down)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync("""{"choices":[{"message":{"content":"from r1"},"finish_reason":"stop"}]}""", context.RequestAborted);
        };

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsync(Completions, Json(), Ct);
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK, HttpStatusCode.ServiceUnavailable], statuses);
        Assert.Equal(LlmReplicaState.Ejected, Pools.GetHealth("local")[1].State);
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsync(Completions, Json(), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(2, _servers[1].Hits);

        // Still down when its ejection ends: the probe fails and the next ejection is twice as long.
        _time.Advance(TimeSpan.FromSeconds(10));
        using (var failedProbe = await client.PostAsync(Completions, Json(), Ct))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, failedProbe.StatusCode);
        }

        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(20), Pools.GetHealth("local")[1].AvailableAt);

        down = false;
        _time.Advance(TimeSpan.FromSeconds(20));
        using (var probe = await client.PostAsync(Completions, Json(), Ct))
        {
            Assert.Equal("from r1", await AnswerOf(probe));
        }

        Assert.Equal(LlmReplicaState.Healthy, Pools.GetHealth("local")[1].State);
    }

    [Fact]
    public async Task Replica429WithRetryAfter_CoolsOnlyThatReplicaForThatLong()
    {
        var client = await StartAsync("Weighted", [1, 1]);
        _servers[0].Respond = context =>
        {
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = "30";
            return Task.CompletedTask;
        };

        using (var limited = await client.PostAsync(Completions, Json(), Ct))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
            Assert.Null(limited.Headers.RetryAfter);
        }

        var health = Pools.GetHealth("local");
        Assert.Equal(LlmReplicaState.CoolingDown, health[0].State);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromSeconds(30), health[0].AvailableAt);
        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync(Completions, Json(), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, _servers[0].Hits);
        _servers[0].Respond = null;
        _time.Advance(TimeSpan.FromSeconds(30));
        for (var i = 0; i < 2; i++)
        {
            using var response = await client.PostAsync(Completions, Json(), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(2, _servers[0].Hits);
        Assert.Equal(LlmReplicaState.Healthy, Pools.GetHealth("local")[0].State);
    }

    private LlmReplicaPools Pools => _services!.GetRequiredService<LlmReplicaPools>();

    private async Task<HttpClient> StartAsync(string balancing, int[] weights, int consecutiveFailures = 1)
    {
        var values = new Dictionary<string, string?>
        {
            ["Llm:Providers:local:Type"] = "OpenAICompatible",
            ["Llm:Providers:local:Endpoint"] = "http://localhost:8000/v1",
            ["Llm:Providers:local:Balancing"] = balancing,
            ["Llm:Providers:local:ReplicaHealth:ConsecutiveFailures"] = consecutiveFailures.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Llm:Providers:local:ReplicaHealth:BaseEjectionTime"] = "00:00:10",
        };
        for (var i = 0; i < weights.Length; i++)
        {
            var server = await ReplicaLoopbackServer.StartAsync($"r{i}", Ct);
            _servers.Add(server);
            values[$"Llm:Providers:local:Replicas:{i}:Endpoint"] = server.BaseAddress($"/r{i}/v1/").AbsoluteUri;
            values[$"Llm:Providers:local:Replicas:{i}:Weight"] = weights[i].ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddLlmProviders(configuration.GetSection("Llm"));
        services.AddLlmHttpClient("local");
        _services = services.BuildServiceProvider();
        return _services.GetRequiredService<IHttpClientFactory>().CreateClient(LlmHttpClientServiceCollectionExtensions.GetLlmHttpClientName("local"));
    }

    private static StringContent Json() => new("""{"model":"llama","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    private static async Task<string> AnswerOf(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return doc.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }
}
