namespace LlmFallback.Tests.Portability;

public class PortableToolCallIdsTests
{
    private static readonly LlmPortabilityTarget Strict = new("t") { MaxToolCallIdLength = 40, ToolCallIdsLettersDigitsUnderscoreHyphen = true };

    [Theory]
    [InlineData("call_abc-123", true)]
    [InlineData("toolu_01A09q90qw90lq917835lq9", true)]
    [InlineData("functions.get_weather:0", false)]
    [InlineData("call 1", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("a234567890123456789012345678901234567890", true)]
    [InlineData("a2345678901234567890123456789012345678901", false)]
    public void IsAccepted_StrictTarget_FollowsLengthAndCharacterRules(string? id, bool accepted) =>
        Assert.Equal(accepted, PortableToolCallIds.IsAccepted(id, Strict));

    [Fact]
    public void IsAccepted_LenientTarget_TakesAnyNonEmptyId()
    {
        Assert.True(PortableToolCallIds.IsAccepted("functions.get_weather:0 with spaces", new LlmPortabilityTarget("t")));
        Assert.False(PortableToolCallIds.IsAccepted(string.Empty, new LlmPortabilityTarget("t")));
    }

    [Fact]
    public void Replace_SameIdTwice_GivesTheSameAcceptedId()
    {
        var first = PortableToolCallIds.Replace("functions.get_weather:0");

        Assert.Equal(first, PortableToolCallIds.Replace("functions.get_weather:0"));
        Assert.NotEqual(first, PortableToolCallIds.Replace("functions.get_weather:1"));
        Assert.Matches("^lf_[0-9a-f]{16}$", first);
        Assert.True(PortableToolCallIds.IsAccepted(first, Strict));
    }

    [Fact]
    public void Synthesize_Place_GivesAnAcceptedIdNamingIt()
    {
        var id = PortableToolCallIds.Synthesize(3, 1);

        Assert.Equal("lf_call_3_1", id);
        Assert.True(PortableToolCallIds.IsAccepted(id, Strict));
    }
}
