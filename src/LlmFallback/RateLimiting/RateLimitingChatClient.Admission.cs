using Microsoft.Extensions.AI;

namespace LlmFallback;

public sealed partial class RateLimitingChatClient
{
    /// <summary>Takes the request's permits or refuses it; <see langword="null"/> when no limit applies.</summary>
    private async ValueTask<RateLimitAdmission?> AdmitAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        List<LlmRateLimitRule>? rules = null;
        var tokenRules = false;
        Add(ref rules, ref tokenRules, _options.PerUser, LlmRateLimitScope.User, options.GetUser());
        Add(ref rules, ref tokenRules, _options.PerTenant, LlmRateLimitScope.Tenant, options.GetTenant());
        Add(ref rules, ref tokenRules, _options.PerApiKey, LlmRateLimitScope.ApiKey, options.GetApiKeyId());
        if (rules is null)
        {
            return null;
        }

        // Only token limits need the prompt counted; the output is charged after the call, when it is known.
        long tokens = 0;
        if (tokenRules)
        {
            tokens = LlmTokenCounter.ForModel(options?.ModelId).CountTokens(messages, options);
            for (var i = 0; i < rules.Count; i++)
            {
                if (rules[i].Kind == LlmRateLimitKind.Tokens)
                {
                    rules[i] = rules[i] with { Permits = tokens };
                }
            }
        }

        var (decision, inFallback) = _store is IDegradableRateLimitStore degradable
            ? await degradable.TryAcquireTrackedAsync(rules, cancellationToken).ConfigureAwait(false)
            : (await _store.TryAcquireAsync(rules, cancellationToken).ConfigureAwait(false), false);
        if (decision.IsAcquired)
        {
            return new RateLimitAdmission(rules, tokens, tokenRules, inFallback);
        }

        var rule = rules[decision.RejectedIndex];
        await ReportAsync(rule, decision.RetryAfter, options, cancellationToken).ConfigureAwait(false);
        throw new RateLimitedException(rule.Scope, rule.Kind, rule.PermitLimit, decision.RetryAfter);
    }

    private static void Add(ref List<LlmRateLimitRule>? rules, ref bool tokenRules, LlmRateLimit scopeLimit, LlmRateLimitScope scope, string? id)
    {
        if (id is null)
        {
            return;
        }

        var limit = scopeLimit.Overrides.Count > 0 && scopeLimit.Overrides.TryGetValue(id, out var own) ? own : scopeLimit;
        if (limit.IsEmpty)
        {
            return;
        }

        var prefix = string.Concat(RateLimitedException.ScopeName(scope), ":", id);
        rules ??= new List<LlmRateLimitRule>(4);
        if (limit.RequestsPerMinute is { } rpm)
        {
            rules.Add(new(prefix + ":rpm", rpm, Minute, 1, scope, LlmRateLimitKind.Requests));
        }

        if (limit.TokensPerMinute is { } tpm)
        {
            rules.Add(new(prefix + ":tpm", tpm, Minute, 0, scope, LlmRateLimitKind.Tokens));
            tokenRules = true;
        }
    }

    private async ValueTask ReportAsync(LlmRateLimitRule rule, TimeSpan retryAfter, ChatOptions? options, CancellationToken cancellationToken)
    {
        RateLimitingDiagnostics.Count(in rule);
        var scope = RateLimitedException.ScopeName(rule.Scope);
        var kind = RateLimitedException.KindName(rule.Kind);
        RateLimitingLog.Rejected(_logger, scope, rule.PermitLimit, kind, retryAfter);
        if (_audit is null)
        {
            return;
        }

        try
        {
            await _audit.WriteAsync(
                new LlmAuditEvent(LlmAuditEventKind.RateLimited, _time.GetUtcNow(), "rate_limiting")
                {
                    User = options.GetUser(),
                    Tenant = options.GetTenant(),
                    ApiKeyId = options.GetApiKeyId(),
                    Action = "reject",
                    Reason = $"{scope} {kind} per minute",
                },
                cancellationToken).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // An audit sink's failure is logged; the decision stands.
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            RateLimitingLog.AuditFailed(_logger, ex);
        }
    }

    /// <summary>A request let through: the rules it was counted against, the prompt tokens taken, and whether a store's fallback holds them.</summary>
    private sealed record RateLimitAdmission(List<LlmRateLimitRule> Rules, long Tokens, bool HasTokenRules, bool InFallback);
}
