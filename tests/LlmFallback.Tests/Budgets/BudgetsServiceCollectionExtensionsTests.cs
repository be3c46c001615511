using LlmFallback.Tests.Metering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static LlmFallback.Tests.Metering.MeteringTestKit;

namespace LlmFallback.Tests.Budgets;

public sealed class BudgetsServiceCollectionExtensionsTests
{
    [Fact]
    public void AddBudgets_Configuration_BindsScopesWindowsAndOverrides()
    {
        var config = new TestConfiguration(
            ("Llm:Budgets:PerUser:Daily", "2.00"),
            ("Llm:Budgets:PerTenant:Monthly", "100"),
            ("Llm:Budgets:PerTenant:Overrides:acme:Monthly", "1000"),
            ("Llm:Budgets:PerApiKey:Windows:0:Duration", "01:00:00"),
            ("Llm:Budgets:PerApiKey:Windows:0:Limit", "0.5"),
            ("Llm:Budgets:OnExceeded", "Downgrade"),
            ("Llm:Budgets:DowngradeTo", "fast"));
        using var sp = new ServiceCollection().AddBudgets(config.Llm).BuildServiceProvider();

        var options = sp.GetRequiredService<IOptions<BudgetOptions>>().Value;

        Assert.Equal(2.00m, options.PerUser.Daily);
        Assert.Equal(100m, options.PerTenant.Monthly);
        Assert.Equal(1000m, options.PerTenant.Overrides["acme"].Monthly);
        Assert.Equal(TimeSpan.FromHours(1), Assert.Single(options.PerApiKey.Windows).Duration);
        Assert.Equal(LlmBudgetAction.Downgrade, options.OnExceeded);
        Assert.Equal("fast", options.DowngradeTo);
        Assert.IsType<InMemoryBudgetStore>(sp.GetRequiredService<ILlmBudgetStore>());
        Assert.Same(sp.GetRequiredService<ILlmBudgetStore>(), sp.GetRequiredService<ILlmBudgetStore>());
    }

    [Fact]
    public void AddBudgets_InvalidConfiguration_FailsNamingTheKey()
    {
        var config = new TestConfiguration(("Llm:Budgets:PerUser:Daily", "-1"));
        using var sp = new ServiceCollection().AddBudgets(config.Llm).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => sp.GetRequiredService<IOptions<BudgetOptions>>().Value);

        Assert.Equal("Llm:Budgets:PerUser:Daily must be positive (was -1).", ex.Message);
    }

    [Fact]
    public async Task UseBudgets_FromServices_UsesTheRegisteredStoreAndAuditSink()
    {
        var audit = new RecordingAuditSink();
        var services = new ServiceCollection().AddBudgets(o => o.PerUser.Daily = 0.000001m).AddSingleton<IAuditSink>(audit);
        services.AddChatClient(Answering("Hi", "gpt-4o-mini", Usage(1000, 1000))).UseBudgets();
        using var sp = services.BuildServiceProvider();

        await Assert.ThrowsAsync<BudgetExceededException>(() => sp.GetRequiredService<IChatClient>().GetResponseAsync(Prompt(), new ChatOptions { ModelId = "gpt-4o-mini" }.WithUser("u1"), Ct));

        Assert.Single(audit.Events);
    }

    [Fact]
    public void Extensions_NullArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => BudgetsServiceCollectionExtensions.AddBudgets(null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddBudgets((Microsoft.Extensions.Configuration.IConfiguration)null!));
        Assert.Throws<ArgumentNullException>(() => BudgetsChatClientBuilderExtensions.UseBudgets(null!));
    }
}
