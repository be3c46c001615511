// What a new user writes first, against the packages: a host, providers from configuration (three adapter types
// registered, two keyless scripted providers used), every stage from AddLlmFallbackDefaults, and the answers checked.
// Exits 0 and prints "package smoke: ok" when every check holds; otherwise prints what failed and exits 1.
using System.Text;
using LlmFallback;
using LlmFallback.Redis;
using LlmFallback.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

const string Settings = """
    {
      "Llm": {
        "Providers": {
          "primary": { "Model": "gpt-4o-mini", "Resilience": { "MaxRetries": 0 } },
          "backup":  { "Model": "claude-sonnet-4-5" },
          "openai":  { "Type": "OpenAI", "Model": "gpt-4o-mini", "ApiKey": "sk-not-used" },
          "claude":  { "Type": "Anthropic", "Model": "claude-sonnet-4-5", "ApiKey": "not-used" },
          "gemini":  { "Type": "Gemini", "Model": "gemini-2.5-flash", "ApiKey": "not-used" }
        },
        "Fallback": { "Chain": [ "primary", "backup" ] },
        "Pii": { "DefaultAction": "Pseudonymise" },
        "Caching": { "Enabled": true, "Semantic": { "Enabled": true } },
        "Budgets": { "PerUser": { "Daily": 5 } },
        "Redis": { "Configuration": "127.0.0.1:1", "OperationTimeout": "00:00:00.200" }
      }
    }
    """;

var failures = new List<string>();
void Check(bool condition, string what)
{
    Console.WriteLine($"{(condition ? "ok  " : "FAIL")} {what}");
    if (!condition)
    {
        failures.Add(what);
    }
}

var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Settings)));
builder.Logging.ClearProviders();
var llm = builder.Configuration.GetSection("Llm");

string? seenByProvider = null;
var primary = ScriptedChatClient.Always(Script.Status(503));
var backup = ScriptedChatClient.Always(Script.Answer("Noted: I will write to <EMAIL_1>.", "claude-sonnet-4-5",
    new UsageDetails { InputTokenCount = 1200, OutputTokenCount = 300 }));

builder.Services.AddLlmProviders(llm)
    .AddOpenAI().AddAnthropic().AddGemini()
    .AddProvider("primary", _ => primary)
    .AddProvider("backup", _ => new ObservingClient(backup, text => seenByProvider = text));
builder.Services.AddLocalEmbeddings();
builder.Services.AddLlmRedis(llm);          // unreachable on purpose: budgets fall back to memory, requests never fail
builder.Services.AddLlmFallbackDefaults(llm);
builder.Services.AddFallbackChatClient().UseLlmFallbackDefaults();

using var host = builder.Build();
await host.StartAsync();
var chat = host.Services.GetRequiredService<IChatClient>();
var registry = host.Services.GetRequiredService<LlmProviderRegistry>();
Check(registry.Providers.Count == 5, $"five providers registered ({registry.Providers.Count})");

var first = await chat.GetResponseAsync("Please write to jane.doe@example.com about the invoice.", new ChatOptions().WithUser("user-1"));
var info = first.GetLlmCallInfo();
Check(info?.Provider == "backup", $"the backup answered after the primary's 503 ({info?.Provider})");
Check(info?.AttemptCount == 2, $"two attempts ({info?.AttemptCount})");
Check(info?.FallbackReason == LlmFailureKind.ServerError, $"fallback reason ServerError ({info?.FallbackReason})");
Check(info?.Cost > 0m, $"the answer was priced ({info?.Cost})");
Check(seenByProvider is not null && !seenByProvider.Contains("jane.doe@example.com", StringComparison.Ordinal), "the provider never saw the email address");
Check(first.Text.Contains("jane.doe@example.com", StringComparison.Ordinal), $"the answer has it restored ({first.Text})");
Check(first.GetLlmSafetyReport()?.GetPiiCount("Email") > 0, "the safety report counts the email");

var second = await chat.GetResponseAsync("Please write to jane.doe@example.com about the invoice.", new ChatOptions().WithUser("user-1"));
Check(second.GetLlmCallInfo()?.CacheHit == true, "the same request is answered from the cache");
Check(backup.CallCount == 1, $"the backup was called once ({backup.CallCount})");

var text = new StringBuilder();
await foreach (var update in chat.GetStreamingResponseAsync("Stream something else.", new ChatOptions().WithUser("user-1")))
{
    text.Append(update.Text);
}

Check(text.ToString().StartsWith("Noted", StringComparison.Ordinal), "a stream is answered through the same pipeline");
await host.StopAsync();

Console.WriteLine(failures.Count == 0 ? "package smoke: ok" : $"package smoke: {failures.Count} check(s) failed");
return failures.Count == 0 ? 0 : 1;

/// <summary>Passes calls on, remembering the last user text the provider received.</summary>
internal sealed class ObservingClient(IChatClient inner, Action<string> observe) : DelegatingChatClient(inner)
{
    public override Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        observe(messages.Last().Text);
        return base.GetResponseAsync(messages, options, cancellationToken);
    }
}
