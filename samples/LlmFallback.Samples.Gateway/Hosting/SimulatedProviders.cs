using LlmFallback.Testing;

namespace LlmFallback.Samples.Gateway.Hosting;

/// <summary>
/// What the gateway serves when no provider is configured (no <c>Llm:Providers</c>, no optional provider's key set):
/// two simulated providers from <c>LlmFallback.Testing</c>, so it can be tried without an account or a network. Their
/// answers start with <c>[simulated]</c> and their names with <c>simulated-</c>; the primary answers for 8 s, then fails
/// with a 503 for 2 s, and again, so fallback can be seen in the <c>x-llmfallback-*</c> headers.
/// </summary>
internal static class SimulatedProviders
{
    /// <summary>The adapter type of the simulated providers (<c>Llm:Providers:&lt;name&gt;:Type</c>).</summary>
    public const string Type = "Simulated";

    public const string Primary = "simulated-primary";
    public const string Backup = "simulated-backup";

    /// <summary>
    /// When no provider is configured, adds a configuration layer with the two simulated providers, in the fallback chain
    /// and in every route the optional providers name; with no gateway credential configured, callers may then be
    /// anonymous (there is nothing to spend). Returns whether the providers are simulated.
    /// </summary>
    public static bool Apply(IConfigurationBuilder builder, IConfiguration configuration)
    {
        if (configuration.GetSection("Llm:Providers").GetChildren().Any())
        {
            return false;
        }

        var overlay = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [$"Llm:Providers:{Primary}:Type"] = Type,
            [$"Llm:Providers:{Primary}:Model"] = "simulated-fast",
            [$"Llm:Providers:{Primary}:Resilience:MaxRetries"] = "0",
            [$"Llm:Providers:{Primary}:Resilience:CircuitBreaker:Enabled"] = "false",
            [$"Llm:Providers:{Backup}:Type"] = Type,
            [$"Llm:Providers:{Backup}:Model"] = "simulated-smart",
            ["Llm:Fallback:Chain:0"] = Primary,
            ["Llm:Fallback:Chain:1"] = Backup,
        };

        var routes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var optional in configuration.GetSection("Gateway:OptionalProviders").GetChildren())
        {
            foreach (var route in optional.GetSection("Routes").GetChildren())
            {
                if (route.Value is { } name && routes.Add(name))
                {
                    overlay[$"Llm:Routes:{name}:Deployments:0"] = Primary;
                    overlay[$"Llm:Routes:{name}:Deployments:1"] = Backup;
                }
            }
        }

        var gateway = configuration.GetSection(GatewayOptions.SectionName);
        if (gateway[nameof(GatewayOptions.AllowAnonymous)] is null && !gateway.GetSection(nameof(GatewayOptions.ApiKeys)).GetChildren().Any()
            && !gateway.GetSection("Jwt").GetChildren().Any())
        {
            overlay[$"{GatewayOptions.SectionName}:{nameof(GatewayOptions.AllowAnonymous)}"] = "true";
        }

        builder.AddInMemoryCollection(overlay);
        return true;
    }

    /// <summary>Makes the <see cref="Type"/> adapter type available: scripted clients that answer a labelled text.</summary>
    public static LlmProvidersBuilder AddSimulated(this LlmProvidersBuilder providers) =>
        providers.AddProviderType(Type, static (services, name, options) => Create(name, options.Model ?? name, services.GetService<TimeProvider>()));

    private static ScriptedChatClient Create(string name, string model, TimeProvider? time)
    {
        var answer = Script.Stream("[simulated] ", "This ", "answer ", "comes ", "from ", $"'{name}', ", "a ", "simulated ", "provider ", "(LlmFallback.Testing). ",
                "Set ", "OPENAI_API_KEY, ", "ANTHROPIC_API_KEY ", "or ", "GEMINI_API_KEY ", "for ", "real ", "answers.")
            .WithModel(model)
            .WithUsage(new UsageDetails { InputTokenCount = 12, OutputTokenCount = 30, TotalTokenCount = 42 });
        var step = name == Primary ? Script.Flap(answer, TimeSpan.FromSeconds(8), Script.Status(503), TimeSpan.FromSeconds(2)) : answer;
        return ScriptedChatClient.Always(step, time);
    }
}
