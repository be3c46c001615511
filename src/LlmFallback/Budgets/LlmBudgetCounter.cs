namespace LlmFallback;

/// <summary>One budget counter: what one id may spend in one window, and when the window ends.</summary>
/// <param name="Key">The counter's key, unique per scope, id and window (for example <c>tenant:acme:d20261203</c>).</param>
/// <param name="Limit">The most that may be spent in the window, in US dollars.</param>
/// <param name="ResetsAt">When the window ends and the counter starts again from zero.</param>
/// <param name="Scope">Who the counter limits.</param>
/// <param name="Period">The window: <c>day</c>, <c>month</c>, or a duration such as <c>01:00:00</c>.</param>
public readonly record struct LlmBudgetCounter(string Key, decimal Limit, DateTimeOffset ResetsAt, LlmBudgetScope Scope, string Period);
