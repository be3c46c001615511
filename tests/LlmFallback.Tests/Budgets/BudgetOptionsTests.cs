namespace LlmFallback.Tests.Budgets;

public sealed class BudgetOptionsTests
{
    [Fact]
    public void Constructor_Defaults_NoBudgetsAndReject()
    {
        var options = new BudgetOptions();

        Assert.True(options.PerUser.IsEmpty && options.PerTenant.IsEmpty && options.PerApiKey.IsEmpty && options.PerRoute.IsEmpty);
        Assert.Equal(LlmBudgetAction.Reject, options.OnExceeded);
        Assert.Null(options.DowngradeTo);
        Assert.Equal(1024, options.DefaultMaxOutputTokens);
        Assert.Null(options.EstimateModel);
        Assert.Empty(options.PerUser.Overrides);
        Assert.Equal(TimeSpan.FromHours(1), new LlmBudgetWindow().Duration);
    }

    [Fact]
    public void Validate_Defaults_Succeed() => Assert.True(new BudgetOptionsValidator("Llm:Budgets").Validate(null, new BudgetOptions()).Succeeded);

    [Fact]
    public void Validate_BadValues_NameEveryKey()
    {
        var options = new BudgetOptions { DefaultMaxOutputTokens = 0, OnExceeded = (LlmBudgetAction)9 };
        options.PerUser.Daily = 0m;
        options.PerTenant.Windows.Add(new LlmBudgetWindow { Duration = TimeSpan.FromSeconds(10), Limit = -1m });
        options.PerApiKey.Overrides["k1"] = new LlmBudgetLimits { Monthly = -2m };
        options.PerApiKey.Overrides["k1"].Overrides["nested"] = new LlmBudgetLimits();

        var result = new BudgetOptionsValidator("Llm:Budgets").Validate(null, options);

        Assert.Equal(
            [
                "Llm:Budgets:PerUser:Daily must be positive (was 0).",
                "Llm:Budgets:PerTenant:Windows:0:Duration must be between 00:01:00 and 366.00:00:00 (was 00:00:10).",
                "Llm:Budgets:PerTenant:Windows:0:Limit must be positive (was -1).",
                "Llm:Budgets:PerApiKey:Overrides:k1:Monthly must be positive (was -2).",
                "Llm:Budgets:PerApiKey:Overrides:k1:Overrides is not used inside an override; move it up one level.",
                "Llm:Budgets:OnExceeded has an unknown value '9'; expected one of: Reject, Downgrade.",
                "Llm:Budgets:DefaultMaxOutputTokens must be between 1 and 1000000 (was 0).",
            ],
            result.Failures);
    }
}
