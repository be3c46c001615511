namespace LlmFallback.Tests.Budgets;

public sealed class BudgetExceededExceptionTests
{
    [Fact]
    public void Constructor_Facts_AreInTheMessageAndProperties()
    {
        var ex = new BudgetExceededException(LlmBudgetScope.ApiKey, "month", 25.5m, new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeSpan.FromHours(3));

        Assert.Equal("The api_key budget per month (25.5 USD) has no room for this request; it resets at 2027-01-01T00:00:00Z.", ex.Message);
        Assert.Equal(LlmBudgetScope.ApiKey, ex.Scope);
        Assert.Equal(TimeSpan.FromHours(3), ex.RetryAfter);
        Assert.Empty(ex.Attempts);
        Assert.IsAssignableFrom<LlmException>(ex);
    }

    [Fact]
    public void Constructor_NegativeRetryAfter_IsZero() =>
        Assert.Equal(TimeSpan.Zero, new BudgetExceededException(LlmBudgetScope.User, "day", 1m, DateTimeOffset.UnixEpoch, TimeSpan.FromSeconds(-1)).RetryAfter);

    [Fact]
    public void Constructor_BlankPeriod_Throws() =>
        Assert.Throws<ArgumentException>(() => new BudgetExceededException(LlmBudgetScope.User, " ", 1m, DateTimeOffset.UnixEpoch, TimeSpan.Zero));
}
