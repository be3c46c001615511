using System.Text;
using LlmFallback;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmFallback.Readme.Tests;

public class ReadmeExampleTests
{
    // The README's "Use it" configuration, plus the keys a real app would read from its environment or a secret store.
    private const string Json = """
        {
          "Llm": {
            "Providers": {
              "local":     { "Type": "OpenAICompatible", "Preset": "vLLM", "Model": "llama-3.1-8b",
                             "Capabilities": { "ContextWindow": 8192, "PrefillContinuation": true } },
              "openai":    { "Type": "OpenAI",    "Model": "gpt-4o-mini", "ApiKey": "sk-test" },
              "anthropic": { "Type": "Anthropic", "Model": "claude-sonnet-4-5", "ApiKey": "sk-ant-test" },
              "gemini":    { "Type": "Gemini",    "Model": "gemini-2.5-flash", "ApiKey": "gm-test" }
            },
            "Fallback": {
              "Chain": [ "local", "openai", "anthropic", "gemini" ],
              "MaxAttemptsPerRequest": 6,
              "Streaming": { "FirstTokenTimeout": "00:00:10", "IdleTimeout": "00:00:15", "Rescue": "Continue" }
            }
          }
        }
        """;

    [Fact]
    public async Task ConfigurationFirstExample_StartsAndBuildsTheChainInOrder()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Json)));
        builder.Services.AddLlmProviders(builder.Configuration.GetSection("Llm"))
            .AddOpenAI().AddAnthropic().AddGemini();
        builder.Services.AddFallbackChatClient();

        using var host = builder.Build();
        await host.StartAsync(TestContext.Current.CancellationToken); // options are validated at start
        var chat = host.Services.GetRequiredService<IChatClient>();
        var fallback = Assert.IsType<FallbackChatClient>(chat.GetService(typeof(FallbackChatClient)));

        Assert.Equal(["local", "openai", "anthropic", "gemini"], fallback.Providers.Select(p => p.Name));
        Assert.Equal(["OpenAICompatible", "OpenAI", "Anthropic", "Gemini"], fallback.Providers.Select(p => p.Type));
        Assert.True(fallback.Providers[0].Capabilities.PrefillContinuation);
        Assert.Equal(8192, fallback.Providers[0].Capabilities.ContextWindow);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }
}
