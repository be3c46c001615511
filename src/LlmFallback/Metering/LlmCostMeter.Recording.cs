using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>Counting a metered call on the instruments and writing it to the ledger.</summary>
internal sealed partial class LlmCostMeter
{
    private static void Count(LlmCallInfo info, in MeteredUsage usage, decimal? cost, string? route, string? tenant)
    {
        var tags = MeteringDiagnostics.Tags(info.Provider, info.ModelId, route, tenant);
        if (cost is { } c)
        {
            MeteringDiagnostics.Cost.Add((double)c, in tags);
        }
        else
        {
            MeteringDiagnostics.Unpriced.Add(1, in tags);
        }

        tags.Add(MeteringDiagnostics.EstimatedTag, MeteringDiagnostics.Bool(usage.Estimated));
        if (usage.CachedOrNull is > 0)
        {
            MeteringDiagnostics.CachedTokens.Add(usage.Cached, in tags);
        }

        tags.Add(MeteringDiagnostics.TokenTypeTag, "input");
        if (usage.InputOrNull is { } input)
        {
            MeteringDiagnostics.Tokens.Add(input, in tags);
        }

        if (usage.OutputOrNull is { } output)
        {
            tags[tags.Count - 1] = new(MeteringDiagnostics.TokenTypeTag, "output");
            MeteringDiagnostics.Tokens.Add(output, in tags);
        }
    }

    private void Write(LlmCallInfo info, ChatOptions? options, in MeteredUsage usage, decimal? cost, decimal? saved, string? route, string? tenant)
    {
        if (Ledger is null)
        {
            return;
        }

        var entry = new LlmCostEntry
        {
            Timestamp = TimeProvider.GetUtcNow(),
            Provider = info.Provider,
            Model = info.ModelId,
            Route = route,
            User = options.GetUser(),
            Tenant = tenant,
            ApiKeyId = options.GetApiKeyId(),
            InputTokens = usage.Input,
            OutputTokens = usage.Output,
            CachedInputTokens = usage.Cached,
            Cost = cost,
            CostSaved = saved,
            IsEstimated = usage.Estimated,
        };
        Write(in entry);
    }

    private void Write(in LlmCostEntry entry)
    {
        try
        {
            Ledger?.Record(in entry);
        }
#pragma warning disable CA1031 // A ledger is a report: its failure never fails the call it records.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            MeteringLog.LedgerFailed(_logger, ex);
        }
    }
}
