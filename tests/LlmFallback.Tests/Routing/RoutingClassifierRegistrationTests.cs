using Microsoft.Extensions.DependencyInjection;

namespace LlmFallback.Tests.Routing;

public sealed class RoutingClassifierRegistrationTests
{
    private static ServiceProvider Services(Action<IServiceCollection> classifier)
    {
        var services = new ServiceCollection();
        services.AddLlmProviders()
            .AddProvider("local", _ => TestChatClient.Answering("local"))
            .AddProvider("anthropic", _ => TestChatClient.Answering("anthropic"))
            .AddProvider("judge", _ => TestChatClient.Answering("smart"));
        services.AddLlmRouting(o =>
        {
            o.Routes["fast"] = new LlmRouteOptions { Deployments = [new() { Provider = "local" }], Examples = ["hello there"], Description = "small talk" };
            o.Routes["smart"] = new LlmRouteOptions { Deployments = [new() { Provider = "anthropic" }], Examples = ["prove the theorem"], Description = "hard problems" };
            o.DefaultRoute = "fast";
        });
        classifier(services);
        services.AddChatClient(sp => sp.GetRequiredKeyedService<IChatClient>("local")).UseRouting().UseFallback();
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddLlmJudgeRouteClassifier_JudgeAnswersARoute_RequestTakesIt()
    {
        using var sp = Services(s => s.AddLlmJudgeRouteClassifier("judge"));

        var response = await sp.GetRequiredService<IChatClient>().GetResponseAsync("Is P equal to NP?", null, TestContext.Current.CancellationToken);

        Assert.Equal(("anthropic", "smart", LlmRouteReason.Classifier, "judge"), (response.Text, response.GetLlmCallInfo()!.Route!.Route, response.GetLlmCallInfo()!.Route!.Reason, response.GetLlmCallInfo()!.Route!.Detail));
        Assert.IsType<LlmJudgeRouteClassifier>(sp.GetRequiredService<ILlmRouteClassifier>());
    }

    [Fact]
    public async Task AddEmbeddingRouteClassifier_ExamplesOfTheRoutes_NearestRouteTaken()
    {
        using var sp = Services(s =>
        {
            s.AddSingleton<IEmbeddingGenerator<string, Embedding<float>>>(new WordEmbeddings());
            s.AddEmbeddingRouteClassifier(threshold: 0.5f);
        });
        var chat = sp.GetRequiredService<IChatClient>();

        var smart = await chat.GetResponseAsync("please prove this theorem", null, TestContext.Current.CancellationToken);
        var other = await chat.GetResponseAsync("what time is it", null, TestContext.Current.CancellationToken);

        Assert.Equal(("anthropic", LlmRouteReason.Classifier), (smart.Text, smart.GetLlmCallInfo()!.Route!.Reason));
        Assert.Equal(("local", LlmRouteReason.Default), (other.Text, other.GetLlmCallInfo()!.Route!.Reason));
    }

    private sealed class WordEmbeddings : IEmbeddingGenerator<string, Embedding<float>>
    {
        private static readonly string[] Words = ["hello", "there", "prove", "theorem", "time"];

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(new GeneratedEmbeddings<Embedding<float>>(values.Select(v => new Embedding<float>(Words.Select(w => v.Contains(w, StringComparison.OrdinalIgnoreCase) ? 1f : 0f).ToArray()))));

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
