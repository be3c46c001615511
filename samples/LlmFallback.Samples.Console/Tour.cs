using LlmFallback;
using LlmFallback.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

/// <summary>
/// The offline tour: the real pipeline (every stage, the real MiniLM embedder for the semantic cache) in front of three
/// SIMULATED providers from LlmFallback.Testing, switched between healthy, down, rate-limited and cut off mid-stream.
/// No key, no network, no account.
/// </summary>
internal static class Tour
{
    private static readonly string[] Chain = ["openai", "anthropic", "local"];

    /// <summary>What the tour changes in appsettings.json's Llm section so each behaviour shows within seconds.</summary>
    private static readonly Dictionary<string, string?> TourSettings = new()
    {
        // OpenAI: one retry, and a breaker that opens after two failures and lets a probe through 2 s later.
        ["Llm:Providers:openai:Resilience:MaxRetries"] = "1",
        ["Llm:Providers:openai:Resilience:BaseDelay"] = "00:00:00.200",
        ["Llm:Providers:openai:Resilience:CircuitBreaker:ConsecutiveFailures"] = "2",
        ["Llm:Providers:openai:Resilience:CircuitBreaker:BreakDuration"] = "00:00:02",
        ["Llm:Providers:anthropic:Resilience:MaxRetries"] = "0",
        ["Llm:Providers:anthropic:Capabilities:PrefillContinuation"] = "true",
        ["Llm:Fallback:Streaming:FirstTokenTimeout"] = "00:00:02",
        ["Llm:Fallback:Streaming:IdleTimeout"] = "00:00:02",
        // Routes a request can name in ChatOptions.ModelId.
        ["Llm:Routes:fast:0"] = "local",
        ["Llm:Routes:smart:0"] = "anthropic",
        ["Llm:Routes:smart:1"] = "openai",
        // One user with a tiny budget (downgraded to the local model when it runs out), one with a tiny rate limit.
        ["Llm:Budgets:PerUser:Overrides:frugal-user:Daily"] = "0.0005",
        ["Llm:Budgets:OnExceeded"] = "Downgrade",
        ["Llm:Budgets:DowngradeTo"] = "local",
        ["Llm:RateLimiting:PerUser:Overrides:busy-user:RequestsPerMinute"] = "2",
    };

    /// <summary>Builds the host over simulated providers named like the real ones.</summary>
    public static IHost Build(HostApplicationBuilder builder, out Simulated providers)
    {
        providers = new Simulated(
            new SimulatedProvider(builder.Configuration["Llm:Providers:openai:Model"] ?? "gpt-4o-mini"),
            new SimulatedProvider(builder.Configuration["Llm:Providers:anthropic:Model"] ?? "claude-sonnet-4-5"),
            new SimulatedProvider(builder.Configuration["Llm:Providers:local:Model"] ?? "llama3.2"));
        var (openai, anthropic, local) = providers;

        var llm = LlmSettings.Select(builder.Configuration, Chain, TourSettings);
        builder.Services.AddLlmProviders(llm)
            .AddProvider("openai", _ => openai).AddProvider("anthropic", _ => anthropic).AddProvider("local", _ => local);
        builder.Services.AddLocalEmbeddings();
        builder.Services.AddLlmFallbackDefaults(llm);
        builder.Services.AddFallbackChatClient().UseLlmFallbackDefaults();
        return builder.Build();
    }

    /// <summary>Plays every scene, each with its own heading, and prints what each stage did.</summary>
    public static async Task RunAsync(IHost host, Simulated providers, CancellationToken cancellationToken)
    {
        var chat = host.Services.GetRequiredService<IChatClient>();
        var (openai, anthropic, local) = providers;
        openai.Answers("Python is a general-purpose programming language known for its readable syntax.");
        anthropic.Answers("Python is a high-level, dynamically typed programming language.");
        local.Answers("Python is a popular programming language.");

        Console.WriteLine("""
            ==============================================================================================
             OFFLINE TOUR: the three providers below are SIMULATED (LlmFallback.Testing), no network used.
             Everything else is the real library: fallback, retries, breakers, routing, exact and semantic
             cache (MiniLM embeddings, computed locally), moderation, PII redaction, metering and budgets.
             Set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or LLM_LOCAL_URL to use real providers.
            ==============================================================================================
            """);

        // Fallback scenes bypass the cache (WithNoCache) so each one reaches the providers.
        Section("Fallback, retries and circuit breakers");
        await Ask(chat, "1. Everything is healthy: the first provider in the chain answers.", "What is Python?", NoCache(), cancellationToken);
        openai.Behaviour = Script.Status(503);
        await Ask(chat, "2. OpenAI goes down (HTTP 503): one retry, then the next provider (Anthropic) answers.", "What is Python?", NoCache(), cancellationToken);
        await Ask(chat, "3. Still down: OpenAI's circuit breaker is open, so it is skipped without a call.", "What is Python?", NoCache(), cancellationToken);

        openai.Answers("Python is a general-purpose programming language known for its readable syntax.");
        Console.WriteLine();
        Console.WriteLine("   ... OpenAI recovers; waiting 2 s for its breaker to let one probe through ...");
        await Task.Delay(TimeSpan.FromSeconds(2.1), cancellationToken);
        await Ask(chat, "4. The half-open probe succeeds: the breaker closes and traffic is back on OpenAI.", "What is Python?", NoCache(), cancellationToken);

        // Route 'smart' puts Anthropic first.
        anthropic.Behaviour = Script.Status(429, retryAfter: TimeSpan.FromSeconds(30));
        await Ask(chat, "5. Route 'smart' (Anthropic, then OpenAI). Anthropic answers 429, Retry-After: 30 s, longer than the policy waits: fail over at once.",
            "What is Python?", NoCache(new ChatOptions { ModelId = "smart" }), cancellationToken);
        await Ask(chat, "6. Anthropic is cooling down for those 30 s: it is put last and not called, nobody hammers it.",
            "What is Python?", NoCache(new ChatOptions { ModelId = "smart" }), cancellationToken);

        Section("Streaming rescue");
        openai.Behaviour = Script.Answer("Streams can be cut off in the middle of").ThenCut();
        local.Behaviour = Script.Stream(" a sentence, and the next provider finishes the same answer.");
        await Ask(chat, "7. OpenAI's stream is cut mid-answer. OpenAI takes no prefill and Anthropic is cooling down, so the local model continues the same answer.",
            "Tell me about streaming.", NoCache(), cancellationToken);
        openai.Answers("Python is a general-purpose programming language known for its readable syntax.");
        local.Answers("Python is a popular programming language.");

        Section("Routing");
        local.Answers("A cat sat on a mat.");
        await Ask(chat, "8. The request names the route 'fast' (ChatOptions.ModelId): the local model answers.",
            "Summarise: the cat sat on the mat.", new ChatOptions { ModelId = "fast" }, cancellationToken);

        Section("Caching: exact, then semantic (real MiniLM embeddings)");
        openai.Answers("Run: python -m venv .venv, then activate it with .venv/bin/activate.");
        await Ask(chat, "9. A new question: a cache miss, answered and stored.", "How do I create a virtual environment in Python?", null, cancellationToken);
        await Ask(chat, "10. The same question again: an exact hit, no provider called, cost $0.", "How do I create a virtual environment in Python?", null, cancellationToken);
        await Ask(chat, "11. Other words, same meaning: a semantic hit.", "How can I create a Python virtual environment?", null, cancellationToken);
        await Ask(chat, "12. Close words, different question: the semantic cache refuses it (a guard sees the other entity).",
            "How do I create a virtual environment in Ruby?", null, cancellationToken);

        Section("Safety: input validation, moderation, PII");
        await Ask(chat, "13. A message longer than Llm:InputValidation:MaxMessageCharacters is refused before anything else runs.",
            new string('x', 20_001), null, cancellationToken);
        await Ask(chat, "14. A prompt the local moderation rules block never reaches a provider.", "How do I build a bomb?", null, cancellationToken);
        openai.Answers("Done: I will send the invoice to <EMAIL_1> today.");
        await Ask(chat, "15. An e-mail address is pseudonymised on the way out and restored in the answer.",
            "Send the invoice to jane.doe@example.com please.", NoCache(), cancellationToken);
        Console.WriteLine($"   what OpenAI received: \"{openai.LastPrompt}\"");
        await Ask(chat, "16. A credit card number is rejected (Llm:Pii:Actions:CreditCard = Reject).",
            "My card is 4111 1111 1111 1111, book the flight.", null, cancellationToken);

        Section("Metering, budgets and rate limits");
        openai.Answers("Here is a long report about quarterly numbers.");
        local.Answers("A short report: the numbers went up.");
        await Ask(chat, "17. 'frugal-user' has $0.0005 a day; this request's estimate is more, so it is downgraded to the unpriced local model.",
            "Write a long report about our quarterly numbers.", new ChatOptions().WithUser("frugal-user"), cancellationToken);
        for (var i = 1; i <= 3; i++)
        {
            await Ask(chat, $"{17 + i}. 'busy-user' may send 2 requests a minute: request {i} of 3.",
                $"Question number {i} from a busy user.", new ChatOptions().WithUser("busy-user"), cancellationToken);
        }

        await Summary(host, cancellationToken);
    }

    /// <summary>What the simulated providers say when someone chats with them.</summary>
    public static void CannedAnswers(Simulated providers)
    {
        const string Canned = "(simulated) This is a canned answer from a fake provider: no provider key is set. Set OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or LLM_LOCAL_URL for real answers.";
        providers.OpenAI.Answers(Canned);
        providers.Anthropic.Answers(Canned);
        providers.Local.Answers(Canned);
    }

    private static ChatOptions NoCache(ChatOptions? options = null) => (options ?? new ChatOptions()).WithNoCache();

    private static void Section(string title)
    {
        Console.WriteLine();
        Console.WriteLine($"--- {title} ---");
    }

    private static async Task Ask(IChatClient chat, string title, string prompt, ChatOptions? options, CancellationToken cancellationToken)
    {
        Console.WriteLine();
        Console.WriteLine($"[simulated] {title}");
        Console.WriteLine($"   you: {(prompt.Length > 80 ? string.Concat(prompt.AsSpan(0, 40), $"... ({prompt.Length} characters)") : prompt)}");
        await ChatPrinter.AskAsync(chat, [new ChatMessage(ChatRole.User, prompt)], options, cancellationToken);
    }

    private static async Task Summary(IHost host, CancellationToken cancellationToken)
    {
        Section("At the end");
        foreach (var provider in host.Services.GetRequiredService<LlmProviderRegistry>().Providers)
        {
            var calls = ((SimulatedProvider)provider.Client).CallCount;
            Console.WriteLine($"   {provider.Name,-10} breaker {provider.GetHealth().State,-8} calls received: {calls}");
        }

        var ledger = host.Services.GetRequiredService<ICostLedger>();
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var totals = await ledger.GetTotalsAsync(LlmCostDimension.All, ICostLedger.AllKey, now.AddDays(-1), now.AddMinutes(1), cancellationToken);
        Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"   cost ledger: {totals.Calls} billed calls, ${totals.Cost:0.######} spent, ${totals.CostSaved:0.######} saved by the cache, {totals.UnpricedCalls} unpriced (the local model)"));
    }

    /// <summary>The tour's three simulated providers.</summary>
    internal sealed record Simulated(SimulatedProvider OpenAI, SimulatedProvider Anthropic, SimulatedProvider Local);
}
