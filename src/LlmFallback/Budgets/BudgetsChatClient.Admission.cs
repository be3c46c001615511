using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class BudgetsChatClient
{
    /// <summary>Reserves the request's estimate, downgrades or refuses it; <see langword="null"/> when no budget applies.</summary>
    private async ValueTask<BudgetAdmission?> AdmitAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var now = Time.GetUtcNow();
        var counters = Counters(options, now);
        if (counters is null)
        {
            return null;
        }

        var estimate = Estimate(messages, options, options?.ModelId);
        var (reservation, inFallback) = await ReserveAsync(counters, estimate, cancellationToken).ConfigureAwait(false);
        if (reservation.IsGranted)
        {
            return new BudgetAdmission(options, counters, estimate, null, inFallback);
        }

        var exceeded = counters[reservation.ExceededIndex];
        if (_options.OnExceeded == LlmBudgetAction.Downgrade && _options.DowngradeTo is { } cheaper
            && !string.Equals(options?.ModelId, cheaper, StringComparison.OrdinalIgnoreCase))
        {
            var downgraded = options?.Clone() ?? new ChatOptions();
            downgraded.ModelId = cheaper;
            var cheaperCounters = Counters(downgraded, now) ?? counters;
            var cheaperEstimate = Estimate(messages, downgraded, cheaper);
            var (cheaperReservation, cheaperInFallback) = await ReserveAsync(cheaperCounters, cheaperEstimate, cancellationToken).ConfigureAwait(false);
            if (cheaperReservation.IsGranted)
            {
                var admission = new BudgetAdmission(downgraded, cheaperCounters, cheaperEstimate, cheaper, cheaperInFallback);
                try
                {
                    await ReportAsync(exceeded, options, "downgrade", cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // Cancelled while audited: the call is never made, so its reservation goes back.
                    await SettleAsync(admission, -cheaperEstimate).ConfigureAwait(false);
                    throw;
                }

                return admission;
            }
        }

        await ReportAsync(exceeded, options, "reject", cancellationToken).ConfigureAwait(false);
        throw new BudgetExceededException(exceeded.Scope, exceeded.Period, exceeded.Limit, exceeded.ResetsAt, exceeded.ResetsAt - now);
    }

    /// <summary>Reserves, and says whether a store with a fallback took the reservation there (so it is settled there).</summary>
    private async ValueTask<(LlmBudgetReservation Reservation, bool InFallback)> ReserveAsync(List<LlmBudgetCounter> counters, decimal estimate, CancellationToken cancellationToken) =>
        _store is IDegradableBudgetStore degradable
            ? await degradable.TryReserveTrackedAsync(counters, estimate, cancellationToken).ConfigureAwait(false)
            : (await _store.TryReserveAsync(counters, estimate, cancellationToken).ConfigureAwait(false), false);

    private List<LlmBudgetCounter>? Counters(ChatOptions? options, DateTimeOffset now)
    {
        List<LlmBudgetCounter>? counters = null;
        Add(ref counters, _options.PerUser, LlmBudgetScope.User, options.GetUser(), now);
        Add(ref counters, _options.PerTenant, LlmBudgetScope.Tenant, options.GetTenant(), now);
        Add(ref counters, _options.PerApiKey, LlmBudgetScope.ApiKey, options.GetApiKeyId(), now);
        Add(ref counters, _options.PerRoute, LlmBudgetScope.Route, options?.ModelId, now);
        return counters;
    }

    private static void Add(ref List<LlmBudgetCounter>? counters, LlmBudgetLimits scopeLimits, LlmBudgetScope scope, string? id, DateTimeOffset now)
    {
        if (id is null)
        {
            return;
        }

        var limits = scopeLimits.Overrides.Count > 0 && scopeLimits.Overrides.TryGetValue(id, out var own) ? own : scopeLimits;
        if (!limits.IsEmpty)
        {
            BudgetWindows.AddCounters(counters ??= new List<LlmBudgetCounter>(4), scope, id, limits, now);
        }
    }

    /// <summary>
    /// The prompt's tokens (with the target model's tokenizer) plus the requested or default output tokens, at the
    /// target's prices; 0 when no price is known (then only an exhausted budget refuses the request).
    /// </summary>
    private decimal Estimate(IEnumerable<ChatMessage> messages, ChatOptions? options, string? requested)
    {
        var (provider, model) = Target(requested);
        if (_meter.Resolve(provider, model) is not { } price)
        {
            return 0m;
        }

        var prompt = LlmTokenCounter.ForModel(model).CountTokens(messages, options);
        var output = options?.MaxOutputTokens ?? _options.DefaultMaxOutputTokens;
        return price.Cost(prompt, output, 0);
    }

    /// <summary>What a request will be priced as: a provider it names, a model the catalogue knows, the configured estimate model, or the first provider.</summary>
    private (string? Provider, string? Model) Target(string? requested)
    {
        if (requested is not null)
        {
            if (_registry is not null && _registry.TryGetProvider(requested, out var named))
            {
                return (named.Name, named.Model);
            }

            if (_meter.Catalog.Find(requested) is not null)
            {
                return (null, requested);
            }
        }

        if (_options.EstimateModel is { } configured)
        {
            return _registry is not null && _registry.TryGetProvider(configured, out var p) ? (p.Name, p.Model) : (null, configured);
        }

        return _registry is { Providers.Count: > 0 } registry ? (registry.Providers[0].Name, registry.Providers[0].Model) : (null, requested);
    }

    private async ValueTask ReportAsync(LlmBudgetCounter exceeded, ChatOptions? options, string action, CancellationToken cancellationToken)
    {
        BudgetDiagnostics.Count(in exceeded, action);
        var scope = BudgetWindows.ScopeName(exceeded.Scope);
        BudgetLog.Exceeded(_logger, scope, exceeded.Period, exceeded.Limit, action == "reject" ? "refused" : "downgraded");

        if (_audit is null)
        {
            return;
        }

        try
        {
            await _audit.WriteAsync(
                new LlmAuditEvent(LlmAuditEventKind.BudgetExceeded, Time.GetUtcNow(), "budgets")
                {
                    User = options.GetUser(),
                    Tenant = options.GetTenant(),
                    ApiKeyId = options.GetApiKeyId(),
                    Action = action,
                    Reason = $"{scope} budget per {exceeded.Period}",
                },
                cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // An audit sink's failure is logged; the budget decision stands.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            BudgetLog.AuditFailed(_logger, ex);
        }
    }

    /// <summary>A request let through: the options it goes with, the counters charged, the amount reserved, and whether a store's fallback holds it.</summary>
    private sealed record BudgetAdmission(ChatOptions? Options, List<LlmBudgetCounter> Counters, decimal Reserved, string? DowngradedTo, bool InFallback);
}
