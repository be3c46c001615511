using LlmFallback;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>Real providers: the ones of <c>Llm:Fallback:Chain</c> whose key (or local server address) is set.</summary>
internal static class RealProviders
{
    /// <summary>The chain's providers this machine can reach, in the configured order.</summary>
    public static List<string> Available(IConfiguration configuration)
    {
        var available = new List<string>();
        foreach (var name in LlmSettings.Chain(configuration))
        {
            var configured = !string.IsNullOrWhiteSpace(configuration[$"Llm:Providers:{name}:ApiKey"]);
            var usable = configuration[$"Llm:Providers:{name}:Type"] switch
            {
                "OpenAI" => configured || Env("OPENAI_API_KEY"),
                "Anthropic" => configured || Env("ANTHROPIC_API_KEY"),
                "Gemini" => configured || Env("GEMINI_API_KEY") || Env("GOOGLE_API_KEY"),
                "OpenAICompatible" => Env("LLM_LOCAL_URL") || !string.IsNullOrWhiteSpace(configuration[$"Llm:Providers:{name}:Endpoint"]),
                _ => false,
            };
            if (usable)
            {
                available.Add(name);
            }
        }

        return available;

        static bool Env(string variable) => !string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(variable));
    }

    /// <summary>Registers the real providers and every stage configured in appsettings.json, in the documented order.</summary>
    public static IHost Build(HostApplicationBuilder builder, IReadOnlyList<string> providers)
    {
        var extra = new Dictionary<string, string?>();
        if (Environment.GetEnvironmentVariable("LLM_LOCAL_URL") is { Length: > 0 } url)
        {
            extra["Llm:Providers:local:Endpoint"] = url;
        }

        if (Environment.GetEnvironmentVariable("LLM_LOCAL_MODEL") is { Length: > 0 } model)
        {
            extra["Llm:Providers:local:Model"] = model;
        }

        var llm = LlmSettings.Select(builder.Configuration, providers, extra);
        builder.Services.AddLlmProviders(llm).AddOpenAI().AddAnthropic().AddGemini();
        builder.Services.AddLocalEmbeddings();            // the semantic cache's embedder: MiniLM, in process
        builder.Services.AddLlmFallbackDefaults(llm);      // the stages whose sections exist under Llm
        builder.Services.AddFallbackChatClient().UseLlmFallbackDefaults();
        return builder.Build();
    }
}
