using LlmFallback.Samples.Gateway.Auth;
using LlmFallback.Samples.Gateway.Endpoints;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmFallback.Samples.Gateway.Hosting;

/// <summary>Builds the gateway: the LlmFallback pipeline behind an OpenAI-compatible API, with auth, limits, health and metrics.</summary>
internal static class GatewayApp
{
    /// <summary>Builds the application.</summary>
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--urls</c>).</param>
    /// <param name="configure">Adjusts the builder before the gateway's services are added (tests: configuration, a fake clock).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelHttpsConfiguration();
        configure?.Invoke(builder);
        var optional = OptionalProviders.Apply(builder.Configuration, builder.Configuration);
        var simulated = SimulatedProviders.Apply(builder.Configuration, builder.Configuration);
        OptionalProviders.EnsureChain(builder.Configuration, builder.Configuration);

        var gateway = new GatewayOptions();
        builder.Configuration.GetSection(GatewayOptions.SectionName).Bind(gateway);
        builder.Services.AddOptions<GatewayOptions>().Bind(builder.Configuration.GetSection(GatewayOptions.SectionName)).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<GatewayOptions>, GatewayOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = gateway.MaxRequestBodyBytes);

        AddPipeline(builder.Services, builder.Configuration.GetSection("Llm"));
        builder.Services.AddGatewayAuthentication(gateway);
        GatewayRateLimiting.AddGatewayRateLimiting(builder.Services);
        GatewayTelemetry.AddGatewayTelemetry(builder.Services, builder.Configuration);
        builder.Services.AddSingleton<ModelCatalog>();
        builder.Services.AddSingleton<ModelsEndpoint>();
        builder.Services.AddSingleton<ChatCompletionsEndpoint>();

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILogger<ChatCompletionsEndpoint>>();
        foreach (var (name, variable) in optional)
        {
            GatewayLog.OptionalProviderAdded(logger, name, variable);
        }

        if (simulated)
        {
            GatewayLog.Simulated(logger, app.Services.GetRequiredService<IOptions<GatewayOptions>>().Value.AllowAnonymous);
        }

        Map(app);
        return app;
    }

    /// <summary>The pipeline, from the <c>Llm</c> section: providers of every type, the stages configured there, in the documented order.</summary>
    private static void AddPipeline(IServiceCollection services, IConfigurationSection llm)
    {
        services.AddLlmProviders(llm).AddOpenAI().AddAnthropic().AddGemini().AddSimulated();
        services.AddLlmFallbackDefaults(llm);
        services.AddFallbackChatClient().UseLlmFallbackDefaults();
    }

    private static void Map(WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();

        var chat = app.Services.GetRequiredService<ChatCompletionsEndpoint>();
        var models = app.Services.GetRequiredService<ModelsEndpoint>();
        var api = app.MapGroup("/v1").RequireAuthorization(GatewayAuthentication.PolicyName).RequireRateLimiting(GatewayRateLimiting.PolicyName);
        api.MapPost("/chat/completions", chat.HandleAsync);
        api.MapGet("/models", models.ListAsync);
        api.MapGet("/models/{model}", models.GetAsync);
        api.MapFallback(static context => ErrorWriter.WriteAsync(context, GatewayError.NotFound($"Unknown endpoint: {context.Request.Method} {context.Request.Path}.", "unknown_url")));
        GatewayTelemetry.MapGatewayHealth(app);
    }
}
