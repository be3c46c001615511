using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmFallback.Tests.Safety;

/// <summary>DI: the safety stages' registrations, configuration binding, start validation and resolution.</summary>
public class SafetyRegistrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AddAll_FromConfiguration_BuildsAWorkingPipeline()
    {
        var config = new TestConfiguration(
            ("Llm:InputValidation:MaxMessages", "5"),
            ("Llm:Moderation:Actions:codename", "Flag"),
            ("Llm:Moderation:Local:Categories:codename:Words:0", "falcon"),
            ("Llm:Pii:DefaultAction", "Pseudonymise"),
            ("Llm:Pii:Actions:CreditCard", "Reject"));
        var services = new ServiceCollection().AddLogging();
        services.AddInputValidation(config.Llm).AddModeration(config.Llm).AddLocalModeration(config.Llm).AddPiiRedaction(config.Llm);
        var inner = TestChatClient.Answering("Hello <EMAIL_1>, falcon is go.");
        services.AddChatClient(inner).UseInputValidation().UseModeration().UsePiiRedaction();
        await using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        var client = provider.GetRequiredService<IChatClient>();
        var response = await client.GetResponseAsync("I am a@example.com", cancellationToken: Ct);

        Assert.Equal("Hello a@example.com, falcon is go.", response.Text);
        Assert.Equal("I am <EMAIL_1>", inner.Calls[0].Messages[0].Text);
        var report = response.GetLlmSafetyReport()!;
        Assert.Equal("codename", Assert.Single(report.ModerationFlags).Category);
        Assert.Equal(1, report.GetPiiCount("Email"));
        await Assert.ThrowsAsync<PiiDetectedException>(() => client.GetResponseAsync("card 4111111111111111", cancellationToken: Ct));
        Assert.Same(provider.GetRequiredService<IAuditSink>(), provider.GetRequiredService<IAuditSink>());
        Assert.IsType<LoggerAuditSink>(provider.GetRequiredService<IAuditSink>());
        Assert.Same(provider.GetRequiredService<PiiDetector>(), provider.GetRequiredService<PiiDetector>());
        Assert.IsType<LocalModerationService>(provider.GetRequiredService<IModerationService>());
    }

    [Fact]
    public void AddInputValidation_InvalidConfiguration_FailsAtStartNamingTheKey()
    {
        var config = new TestConfiguration(("Llm:InputValidation:MaxMessages", "0"));
        var services = new ServiceCollection().AddInputValidation(config.Llm);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<InputValidationOptions>>().Value);

        Assert.Equal("Llm:InputValidation:MaxMessages must be between 1 and 1000000 (was 0).", ex.Message);
    }

    [Fact]
    public void AddPiiRedaction_InvalidConfiguration_FailsAtStartNamingTheKey()
    {
        var config = new TestConfiguration(("Llm:Pii:Detection:MinScore", "3"));
        using var provider = new ServiceCollection().AddPiiRedaction(config.Llm).BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PiiRedactionOptions>>().Value);

        Assert.Equal("Llm:Pii:Detection:MinScore must be between 0 and 1 (was 3).", ex.Message);
    }

    [Fact]
    public void UseModeration_NoServiceRegistered_ThrowsNamingTheFix()
    {
        var services = new ServiceCollection();
        services.AddChatClient(TestChatClient.Answering("x")).UseModeration();
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IChatClient>());

        Assert.StartsWith("No IModerationService is registered: call services.AddLocalModeration(...)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UseStage_CodeConfigureInvalid_ThrowsNamingTheKey()
    {
        var services = new ServiceCollection();
        services.AddChatClient(TestChatClient.Answering("x")).UseInputValidation(o => o.MaxTotalCharacters = 0);
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<IChatClient>());

        Assert.StartsWith("Llm:InputValidation:MaxTotalCharacters must be between 1 and 2147483647 (was 0).", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetPiiRedactor_HostRedaction_RedactsDetectedValues()
    {
        var classification = new DataClassification("test", "free-text");
        var services = new ServiceCollection().AddPiiRedaction();
        services.AddRedaction(b => b.SetPiiRedactor(new DataClassificationSet(classification)));
        using var provider = services.BuildServiceProvider();

        var redactor = provider.GetRequiredService<IRedactorProvider>().GetRedactor(new DataClassificationSet(classification));

        Assert.Equal("user [EMAIL] called from [PHONE]", redactor.Redact("user a@example.com called from +44 20 7946 0958"));
    }

    [Fact]
    public void Registrations_NullServices_Throw()
    {
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddInputValidation());
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddModeration());
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddLocalModeration());
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddPiiRedaction());
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddLlmAudit());
        Assert.Throws<ArgumentNullException>(() => ((ChatClientBuilder)null!).UseInputValidation());
        Assert.Throws<ArgumentNullException>(() => ((ChatClientBuilder)null!).UseModeration());
        Assert.Throws<ArgumentNullException>(() => ((ChatClientBuilder)null!).UsePiiRedaction());
        Assert.Throws<ArgumentNullException>(() => ((IRedactionBuilder)null!).SetPiiRedactor());
    }
}
