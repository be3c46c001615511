using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace LlmFallback.OpenAI.Tests.Moderation;

public class OpenAIModerationServiceTests
{
    private const string RateLimitBody = """{"error":{"message":"Rate limit reached for omni-moderation-latest in organization org-test on requests per min (RPM): Limit 3, Used 3, Requested 1. Input was: kill them all","type":"requests","param":null,"code":"rate_limit_exceeded"}}""";
    private const string ServerErrorBody = """{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}""";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OpenAIModerationService Service(ModerationLoopbackServer server, Action<OpenAIModerationOptions>? configure = null)
    {
        var options = new OpenAIModerationOptions { ApiKey = "test-key", Endpoint = server.BaseAddress };
        configure?.Invoke(options);
        return OpenAIModerationService.Create(options);
    }

    [Fact]
    public async Task ModerateAsync_FlaggedAnswer_ReportsFlaggedCategoriesWithScores()
    {
        await using var server = await ModerationLoopbackServer.StartAsync();
        server.Respond = ctx => ModerationLoopbackServer.Json(ctx, 200, ModerationLoopbackServer.Result(true, ["violence", "harassment/threatening"]));

        var result = await Service(server).ModerateAsync("I want to kill them.", LlmContentSide.Input, Ct);

        Assert.Equal(["harassment/threatening", "violence"], result.Hits.Select(h => h.Category).Order());
        Assert.All(result.Hits, h => Assert.Equal(0.93, h.Score, 3));
        Assert.Equal("omni-moderation-latest", server.LastBody.GetProperty("model").GetString());
        Assert.Equal("I want to kill them.", server.LastBody.GetProperty("input").GetString());
        Assert.Equal("Bearer test-key", server.LastAuthorization);
    }

    [Fact]
    public async Task ModerateAsync_CleanAnswer_IsClean()
    {
        await using var server = await ModerationLoopbackServer.StartAsync();

        var result = await Service(server).ModerateAsync("Hello", LlmContentSide.Output, Ct);

        Assert.Same(LlmFallback.ModerationResult.Clean, result);
    }

    [Fact]
    public async Task ModerateAsync_Threshold_FlagsOnScoreEvenWhenOpenAIDidNot()
    {
        await using var server = await ModerationLoopbackServer.StartAsync();
        server.Respond = ctx => ModerationLoopbackServer.Json(ctx, 200, ModerationLoopbackServer.Result(false, scores: new() { ["violence"] = 0.4 }));

        var result = await Service(server, o => o.Thresholds["violence"] = 0.3).ModerateAsync("x", LlmContentSide.Input, Ct);

        Assert.Equal("violence", Assert.Single(result.Hits).Category);
    }

    [Theory]
    [InlineData(429, RateLimitBody)]
    [InlineData(500, ServerErrorBody)]
    public async Task ModerateAsync_ErrorBody_ThrowsStatusOnlyAndNeverRetries(int status, string body)
    {
        await using var server = await ModerationLoopbackServer.StartAsync();
        server.Respond = ctx => ModerationLoopbackServer.Json(ctx, status, body);

        var ex = await Assert.ThrowsAsync<ModerationServiceException>(async () => await Service(server).ModerateAsync("kill them all", LlmContentSide.Input, Ct));

        Assert.Equal(status, ex.StatusCode);
        Assert.Equal($"OpenAI moderation answered HTTP {status}.", ex.Message);
        Assert.Null(ex.InnerException);
        Assert.Equal(1, server.Requests);
    }

    [Theory]
    [InlineData(ModerationFailureMode.FailClosed)]
    [InlineData(ModerationFailureMode.FailOpen)]
    public async Task ModerationStage_ServiceAnswers429_FailsByConfiguration(ModerationFailureMode mode)
    {
        await using var server = await ModerationLoopbackServer.StartAsync();
        server.Respond = ctx => ModerationLoopbackServer.Json(ctx, 429, RateLimitBody);
        var inner = new ScriptedAnswer("fine");
        using var client = new ModerationChatClient(inner, Service(server), new ModerationOptions { OnServiceFailure = mode, CheckOutput = false });

        if (mode == ModerationFailureMode.FailClosed)
        {
            var ex = await Assert.ThrowsAsync<ModerationException>(() => client.GetResponseAsync("hi", cancellationToken: Ct));
            Assert.True(ex.IsServiceFailure);
            Assert.DoesNotContain("kill", ex.ToString(), StringComparison.Ordinal);
            Assert.Equal(0, inner.Calls);
        }
        else
        {
            var response = await client.GetResponseAsync("hi", cancellationToken: Ct);
            Assert.True(response.GetLlmSafetyReport()!.ModerationSkipped);
        }
    }

    [Fact]
    public async Task ModerationStage_ServerStalls_TimesOutAndCancelsTheRequest()
    {
        await using var server = await ModerationLoopbackServer.StartAsync();
        var arrived = new TaskCompletionSource();
        var aborted = new TaskCompletionSource();
        server.Respond = async ctx =>
        {
            ctx.RequestAborted.Register(() => aborted.TrySetResult());
            arrived.TrySetResult();
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        };
        var time = new FakeTimeProvider();
        using var client = new ModerationChatClient(new ScriptedAnswer("fine"), Service(server), new ModerationOptions { Timeout = TimeSpan.FromSeconds(3) }, timeProvider: time);

        var call = client.GetResponseAsync("hi", cancellationToken: Ct);
        await arrived.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);

        // The stage arms its timeout once the SDK call returns to it; move the clock until it has fired.
        for (var i = 0; i < 200 && !call.IsCompleted; i++)
        {
            time.Advance(TimeSpan.FromSeconds(3));
            await Task.Delay(1, Ct);
        }

        var ex = await Assert.ThrowsAsync<ModerationException>(() => call.WaitAsync(TimeSpan.FromSeconds(10), Ct));
        Assert.True(ex.IsServiceFailure);
        Assert.Contains("timeout after 3s", ex.Message, StringComparison.Ordinal);
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task AddOpenAIModeration_Configuration_RegistersTheServiceAndValidatesOnStart()
    {
        await using var server = await ModerationLoopbackServer.StartAsync();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Llm:Moderation:OpenAI:ApiKey"] = "k",
            ["Llm:Moderation:OpenAI:Endpoint"] = server.BaseAddress.ToString(),
            ["Llm:Moderation:OpenAI:Thresholds:violence"] = "0.2",
        }).Build();
        await using var provider = new ServiceCollection().AddOpenAIModeration(config.GetSection("Llm")).BuildServiceProvider();

        var service = Assert.IsType<OpenAIModerationService>(provider.GetRequiredService<IModerationService>());
        var result = await service.ModerateAsync("x", LlmContentSide.Input, Ct);

        Assert.True(result.IsFlagged is false);
        Assert.Equal(0.2, provider.GetRequiredService<IOptions<OpenAIModerationOptions>>().Value.Thresholds["violence"]);
    }

    [Fact]
    public async Task ModerateAsync_PersonalData_IsReplacedByItsTypeBeforeTheTextLeaves()
    {
        await using var server = await ModerationLoopbackServer.StartAsync();

        await Service(server).ModerateAsync("Refund card 4111 1111 1111 1111 to jane.roe@example.com or I will kill you.", LlmContentSide.Input, Ct);

        Assert.Equal("Refund card [CREDIT_CARD] to [EMAIL] or I will kill you.", server.LastBody.GetProperty("input").GetString());
    }

    [Fact]
    public async Task ModerateAsync_RedactPiiOff_SendsTheTextAsWritten()
    {
        await using var server = await ModerationLoopbackServer.StartAsync();

        await Service(server, o => o.RedactPii = false).ModerateAsync("Mail jane.roe@example.com", LlmContentSide.Output, Ct);

        Assert.Equal("Mail jane.roe@example.com", server.LastBody.GetProperty("input").GetString());
    }

    [Fact]
    public async Task AddOpenAIModeration_WithPiiRedaction_UsesTheRegisteredDetector()
    {
        await using var server = await ModerationLoopbackServer.StartAsync();
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Llm:Moderation:OpenAI:ApiKey"] = "k",
            ["Llm:Moderation:OpenAI:Endpoint"] = server.BaseAddress.ToString(),
            ["Llm:Pii:Detection:Patterns:0:EntityType"] = "EmployeeId",
            ["Llm:Pii:Detection:Patterns:0:Pattern"] = @"\bEMP-\d{6}\b",
        }).Build();
        await using var provider = new ServiceCollection()
            .AddPiiRedaction(config.GetSection("Llm"))
            .AddOpenAIModeration(config.GetSection("Llm"))
            .BuildServiceProvider();

        await provider.GetRequiredService<IModerationService>().ModerateAsync("EMP-123456 wrote jane.roe@example.com", LlmContentSide.Input, Ct);

        Assert.Equal("[EMPLOYEE_ID] wrote [EMAIL]", server.LastBody.GetProperty("input").GetString());
    }

    [Fact]
    public void AddOpenAIModeration_InvalidOptions_FailNamingTheKeys()
    {
        using var provider = new ServiceCollection().AddOpenAIModeration(configure: o => { o.Model = " "; o.Thresholds["hate"] = 2; }).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<OpenAIModerationOptions>>().Value);

        Assert.Equal("Llm:Moderation:OpenAI:Model must name a moderation model.; Llm:Moderation:OpenAI:Thresholds:hate must be greater than 0 and at most 1 (was 2).", ex.Message);
    }

    [Fact]
    public void Create_NoKey_ThrowsNamingWhereToSetIt()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OpenAIModerationService.Create(new OpenAIModerationOptions { ApiKeyEnvironmentVariable = "LLMFB_TEST_NO_SUCH_VARIABLE" }));

        Assert.Equal("OpenAI moderation has no API key: set Llm:Moderation:OpenAI:ApiKey or the LLMFB_TEST_NO_SUCH_VARIABLE environment variable.", ex.Message);
    }

    [Fact]
    public async Task PublicEntryPoints_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => new OpenAIModerationService(null!));
        Assert.Throws<ArgumentNullException>(() => OpenAIModerationService.Create(null!));
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddOpenAIModeration());
        await using var server = await ModerationLoopbackServer.StartAsync();
        await Assert.ThrowsAsync<ArgumentNullException>(async () => await Service(server).ModerateAsync(null!, LlmContentSide.Input, Ct));
    }

    [Fact]
    public void Options_Defaults_AreDocumentedValues()
    {
        var options = new OpenAIModerationOptions();

        Assert.Equal(("omni-moderation-latest", (string?)null, "OPENAI_API_KEY", (Uri?)null), (options.Model, options.ApiKey, options.ApiKeyEnvironmentVariable, options.Endpoint));
        Assert.Empty(options.Thresholds);
        Assert.True(options.RedactPii);
    }

    private sealed class ScriptedAnswer(string text) : IChatClient
    {
        public int Calls { get; private set; }

        public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
        {
            Calls++;
            return Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, text)));
        }

        public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
