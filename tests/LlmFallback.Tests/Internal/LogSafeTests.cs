namespace LlmFallback.Tests.Internal;

public class LogSafeTests
{
    [Theory]
    [InlineData("rate_limit_exceeded")]
    [InlineData("RESOURCE_EXHAUSTED")]
    [InlineData("exceed-context.size:v2")]
    [InlineData("429")]
    [InlineData("")]
    public void Code_LooksLikeACode_IsKept(string code) =>
        Assert.Equal(code, LogSafe.Code(code));

    [Theory]
    [InlineData("has space")]
    [InlineData("line\nbreak")]
    [InlineData("cr\rlf")]
    [InlineData("tab\t")]
    [InlineData("quote\"")]
    [InlineData("brace{")]
    [InlineData("slash/")]
    [InlineData("percent%")]
    [InlineData("é")]
    [InlineData("zero\u0000width")]
    [InlineData("\u202Ebidi")]
    public void Code_OddCharacter_IsReplaced(string code) =>
        Assert.Equal("(unprintable error code)", LogSafe.Code(code));

    [Theory]
    [InlineData("sk-proj-4f9c2b7e1a8d6e3c")]
    [InlineData("AIzaSyD3x4mpl3K3yV4lu3F0rT3st1ng0nly")]
    public void Code_LooksLikeACredential_IsReplaced(string code) =>
        Assert.Equal("(unprintable error code)", LogSafe.Code(code));

    [Fact]
    public void Code_Long_IsTruncatedTo64()
    {
        var code = new string('x', 64) + "_tail";

        Assert.Equal(new string('x', 64), LogSafe.Code(code));
    }

    [Fact]
    public void Code_OddCharacterPastTheTruncation_IsCutOff() =>
        Assert.Equal(new string('x', 64), LogSafe.Code(new string('x', 64) + " secret text"));

    [Theory]
    [InlineData(0, "0ms")]
    [InlineData(0.5, "0.5ms")]
    [InlineData(250, "250ms")]
    [InlineData(999.94, "999.9ms")]
    [InlineData(1000, "1s")]
    [InlineData(1500, "1.5s")]
    [InlineData(1234.5678, "1.235s")]
    [InlineData(90_000, "90s")]
    public void Duration_Value_InvariantShortText(double milliseconds, string expected) =>
        Assert.Equal(expected, LogSafe.Duration(TimeSpan.FromMilliseconds(milliseconds)));
}
