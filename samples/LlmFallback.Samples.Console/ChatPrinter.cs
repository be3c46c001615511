using System.Globalization;
using System.Text;
using LlmFallback;
using Microsoft.Extensions.AI;

/// <summary>Streams an answer to the console and then says who answered, after how many attempts, at what cost.</summary>
internal static class ChatPrinter
{
    public static async Task<ChatResponse?> AskAsync(IChatClient chat, IList<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var updates = new List<ChatResponseUpdate>();
        LlmCallInfo? info = null;
        LlmSafetyReport? safety = null;
        Console.Write("   > ");
        try
        {
            await foreach (var update in chat.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                Console.Write(update.Text);
                updates.Add(update);
                info = update.GetLlmCallInfo() ?? info;            // the stream's final update carries it
                safety = update.GetLlmSafetyReport() ?? safety;
            }
        }
        catch (Exception ex) when (ex is LlmException or PiiDetectedException or ModerationException or ArgumentException)
        {
            Console.WriteLine();
            Console.WriteLine($"   failed: {ex.GetType().Name}: {ex.Message}");
            return null;
        }

        Console.WriteLine();
        var response = updates.ToChatResponse();
        Console.WriteLine(Describe(info ?? response.GetLlmCallInfo(), safety ?? info?.Safety ?? response.GetLlmSafetyReport()));
        return response;
    }

    /// <summary>One line per answer: provider, model, attempts, cache, cost, PII actions; then the attempts made.</summary>
    public static string Describe(LlmCallInfo? info, LlmSafetyReport? safety)
    {
        if (info is null)
        {
            return "   (no call information)";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"   -- answered by {info.Provider} ({info.ModelId ?? "unknown model"})");
        text.Append(CultureInfo.InvariantCulture, $" | attempts: {info.AttemptCount}");
        if (info.FallbackReason is { } reason)
        {
            text.Append(CultureInfo.InvariantCulture, $" (left the first provider: {reason})");
        }

        if (info.Route is { } route)
        {
            text.Append(CultureInfo.InvariantCulture, $" | route: {route.Route} ({route.Reason})");
        }

        if (info.BudgetDowngradedTo is { } downgraded)
        {
            text.Append(CultureInfo.InvariantCulture, $" | budget: downgraded to {downgraded}");
        }

        if (info.Rescued)
        {
            text.Append(" | stream rescued");
        }

        text.Append(" | cache: ").Append(Cache(info));
        text.Append(" | cost: ").Append(Cost(info));
        text.Append(" | PII: ").Append(Pii(safety));
        foreach (var attempt in info.Attempts)
        {
            text.AppendLine().Append("      - ").Append(attempt);
        }

        return text.ToString();
    }

    private static string Cache(LlmCallInfo info) => info.CacheHit
        ? info.CacheSimilarity is { } similarity
            ? string.Create(CultureInfo.InvariantCulture, $"{info.CacheKind} hit (similarity {similarity:0.000})")
            : $"{info.CacheKind} hit"
        : "miss";

    private static string Cost(LlmCallInfo info)
    {
        if (info.CacheHit)
        {
            return info.CostSaved is { } saved ? string.Create(CultureInfo.InvariantCulture, $"$0 (saved ${saved:0.######})") : "$0";
        }

        var tokens = string.Create(CultureInfo.InvariantCulture, $"{info.InputTokenCount} in / {info.OutputTokenCount} out tokens{(info.IsUsageEstimated ? ", estimated" : string.Empty)}");
        return info.Cost is { } cost ? string.Create(CultureInfo.InvariantCulture, $"${cost:0.######} ({tokens})") : $"unpriced ({tokens})";
    }

    private static string Pii(LlmSafetyReport? report)
    {
        if (report is null || report.Pii.Count == 0)
        {
            return "none";
        }

        var parts = new List<string>();
        foreach (var pii in report.Pii)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{pii.EntityType} {pii.Action} x{pii.Count} ({pii.Side})"));
        }

        return string.Join(", ", parts);
    }
}
