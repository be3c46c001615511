// A tour of LlmFallback with simulated providers: no API keys, no network. Each provider is a fake from
// LlmFallback.Testing that behaves like a real one would at that moment: healthy, down, rate-limited, or cut off
// mid-stream. To use real providers, replace the three AddProvider(...) lines with AddOpenAIProvider(...),
// AddAnthropicProvider(...) and AddOpenAICompatibleProvider(...); nothing else changes.
using LlmFallback;
using LlmFallback.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

// Content root = the output folder, so appsettings.json is found whatever the working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });

var openai = new SimulatedProvider("gpt-4o-mini-2024-07-18");
var anthropic = new SimulatedProvider("claude-sonnet-4-5");
var local = new SimulatedProvider("llama-3.1-8b");

// Three lines of DI: providers (settings from appsettings.json "Llm"), then the fallback client over the chain
// configured in Llm:Fallback:Chain.
builder.Services.AddLlmProviders(builder.Configuration.GetSection("Llm"))
    .AddProvider("openai", _ => openai).AddProvider("anthropic", _ => anthropic).AddProvider("local", _ => local);
builder.Services.AddFallbackChatClient();

using var host = builder.Build();
var chat = host.Services.GetRequiredService<IChatClient>();

openai.Behaviour = Script.Answer("Python is a programming language.", "gpt-4o-mini-2024-07-18");
anthropic.Behaviour = Script.Answer("Python is a programming language (answered by Claude).", "claude-sonnet-4-5");
local.Behaviour = Script.Answer("Python is a programming language (answered locally).", "llama-3.1-8b");
await Ask("1. Everything is healthy: the first provider answers.");

openai.Behaviour = Script.Status(503);
await Ask("2. OpenAI goes down (HTTP 503): one retry, then Claude answers.");
await Ask("3. Still down: two failures in a row open OpenAI's circuit breaker.");
await Ask("4. Breaker open: OpenAI is skipped without a call.");

anthropic.Behaviour = Script.Answer("A long answer that is cut off right in the middle of").ThenCut();
local.Behaviour = Script.Stream(" the sentence, and the local model finishes it.");
await AskStreaming("5. Claude's stream is cut mid-answer: the local model continues the same answer.");

anthropic.Behaviour = Script.Status(429, retryAfter: TimeSpan.FromSeconds(30));
local.Behaviour = Script.Answer("Claude is rate-limited, so the local model answers.", "llama-3.1-8b");
await Ask("6. Claude says 429 with Retry-After: 30s, longer than this policy waits: fail over at once.");
await Ask("7. Claude is cooling down for those 30 s: it is skipped without a call, nobody hammers it.");

openai.Behaviour = Script.Answer("OpenAI is back.", "gpt-4o-mini-2024-07-18");
Console.WriteLine();
Console.WriteLine("   ... OpenAI recovers; waiting 2 s for its breaker to let one probe through ...");
await Task.Delay(TimeSpan.FromSeconds(2.1));
await Ask("8. The half-open probe succeeds: the breaker closes and traffic is back on OpenAI.");

Console.WriteLine();
Console.WriteLine("Provider health at the end:");
foreach (var provider in host.Services.GetRequiredService<LlmProviderRegistry>().Providers)
{
    var health = provider.GetHealth();
    var calls = ((SimulatedProvider)provider.Client).CallCount;
    Console.WriteLine($"   {provider.Name,-10} breaker {health.State,-8} calls received: {calls}");
}

async Task Ask(string title)
{
    Console.WriteLine();
    Console.WriteLine(title);
    try
    {
        var response = await chat.GetResponseAsync("What is Python?");
        Console.WriteLine($"   > {response.Text}");
        Print(response.GetLlmCallInfo());
    }
    catch (LlmException ex)
    {
        Console.WriteLine($"   failed: {ex.Message}");
    }
}

async Task AskStreaming(string title)
{
    Console.WriteLine();
    Console.WriteLine(title);
    Console.Write("   > ");
    var updates = new List<ChatResponseUpdate>();
    await foreach (var update in chat.GetStreamingResponseAsync("Write a long sentence."))
    {
        Console.Write(update.Text);
        updates.Add(update);
    }

    Console.WriteLine();
    Print(updates.ToChatResponse().GetLlmCallInfo());
}

static void Print(LlmCallInfo? info)
{
    if (info is null)
    {
        return;
    }

    Console.WriteLine($"   answered by {info.Provider} ({info.ModelId}) after {info.AttemptCount} call(s)" +
        (info.FallbackReason is { } reason ? $"; left the first provider because: {reason}" : string.Empty) +
        (info.Rescued ? "; stream rescued" : string.Empty));
    foreach (var attempt in info.Attempts)
    {
        Console.WriteLine($"     - {attempt}");
    }
}
