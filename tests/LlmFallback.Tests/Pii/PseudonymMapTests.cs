namespace LlmFallback.Tests.Pii;

public class PseudonymMapTests
{
    [Fact]
    public void Placeholder_SameValue_SamePlaceholderNumberedPerLabel()
    {
        var map = new PseudonymMap();

        Assert.Equal("<EMAIL_1>", map.Placeholder("EMAIL", "a@x.io"));
        Assert.Equal("<PHONE_1>", map.Placeholder("PHONE", "+1 415 555 2671"));
        Assert.Equal("<EMAIL_2>", map.Placeholder("EMAIL", "b@x.io"));
        Assert.Equal("<EMAIL_1>", map.Placeholder("EMAIL", "a@x.io"));
        Assert.True(map.IsKnownValue("b@x.io"));
    }

    [Fact]
    public void Restore_KnownAndUnknownPlaceholders_RestoresOnlyKnownOnes()
    {
        var map = new PseudonymMap();
        map.Placeholder("EMAIL", "a@x.io");

        Assert.Equal("to a@x.io, not <EMAIL_9> or <b> < EMAIL_1>", map.Restore("to <EMAIL_1>, not <EMAIL_9> or <b> < EMAIL_1>"));
        var plain = "nothing to restore";
        Assert.Same(plain, map.Restore(plain));
    }

    [Theory]
    [InlineData("Hello <EMA", 6)]
    [InlineData("Hello <", 6)]
    [InlineData("Hello <EMAIL_1", 6)]
    [InlineData("Hello <EMAIL_1>", -1)]
    [InlineData("a < b", -1)]
    [InlineData("no bracket", -1)]
    public void PartialPlaceholderStart_TrailingPrefix_IsHeld(string text, int expected) => Assert.Equal(expected, PseudonymMap.PartialPlaceholderStart(text));

    [Fact]
    public void Restore_CustomLabelLongerThanTheBuiltInOnes_IsRestoredAndHeldWhileIncomplete()
    {
        // A custom entity type may have a long name; its placeholders were never restored past 48 characters.
        var map = new PseudonymMap();
        var label = "CUSTOMER_LOYALTY_PROGRAMME_MEMBERSHIP_REFERENCE_NUMBER";
        var placeholder = map.Placeholder(label, "LP-0042-7781");

        Assert.Equal("<" + label + "_1>", placeholder);
        Assert.Equal(placeholder.Length, map.LongestPlaceholder);
        Assert.Equal("Member LP-0042-7781 renewed.", map.Restore("Member " + placeholder + " renewed."));
        var partial = "Member " + placeholder[..^3];
        Assert.Equal(7, PseudonymMap.PartialPlaceholderStart(partial, map.LongestPlaceholder));
    }
}
