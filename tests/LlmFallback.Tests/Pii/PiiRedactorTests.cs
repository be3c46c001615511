namespace LlmFallback.Tests.Pii;

public class PiiRedactorTests
{
    [Fact]
    public void Redact_Text_ReplacesValuesByTheirType()
    {
        var redactor = new PiiRedactor();

        Assert.Equal("mail [EMAIL], card [CREDIT_CARD].", redactor.Redact("mail a@example.com, card 4111 1111 1111 1111."));
        Assert.Equal("nothing", redactor.Redact("nothing"));
    }

    [Fact]
    public void Redact_DestinationTooShort_Throws()
    {
        var redactor = new PiiRedactor();
        var destination = new char[5];

        Assert.Throws<ArgumentException>(() => redactor.Redact("mail a@example.com".AsSpan(), destination));
    }

    [Fact]
    public void Redact_CustomDetector_UsesIt()
    {
        var redactor = new PiiRedactor(new PiiDetector(new PiiDetectorOptions { DenyList = ["Falcon"] }));

        Assert.Equal("project [DENY_LISTED]", redactor.Redact("project Falcon"));
    }
}
