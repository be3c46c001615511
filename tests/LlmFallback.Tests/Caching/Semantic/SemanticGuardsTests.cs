namespace LlmFallback.Tests.Caching.Semantic;

public sealed class SemanticGuardsTests
{
    private static readonly LlmSemanticCacheOptions Defaults = new();

    [Theory]
    [InlineData("What is the refund policy for orders over $50?", "What is the refund policy for orders over $100?", "numbers")]
    [InlineData("How many calories are in 2 eggs?", "How many calories are in three eggs?", "numbers")]
    [InlineData("What is 15% of 200?", "What is 15 of 200?", "numbers")]
    [InlineData("Can I take ibuprofen with alcohol?", "Can I take ibuprofen without alcohol?", "negation")]
    [InlineData("Why is my printer printing?", "Why isn't my printer printing?", "negation")]
    [InlineData("What is the refund policy for orders over $50?", "What is the refund policy for orders under $50?", "comparatives")]
    [InlineData("How do I turn on dark mode?", "How do I turn off dark mode?", "comparatives")]
    [InlineData("How do I convert celsius to fahrenheit?", "How do I convert fahrenheit to celsius?", "direction")]
    [InlineData("Show me flights from New York to Florida.", "Show me flights from Florida to New York.", "direction")]
    [InlineData("Does Messi score more goals than Ronaldo?", "Does Ronaldo score more goals than Messi?", "direction")]
    [InlineData("How do I install Python on Windows?", "How do I install Python on Linux?", "entities")]
    [InlineData("Schedule a meeting with Alice on Monday.", "Schedule a meeting with Alice on Tuesday.", "entities")]
    [InlineData("how do i reset my password on windows", "How do I reset my password on Mac?", "entities")]
    [InlineData("How do I enable notifications?", "How do I disable notifications?", "opposite")]
    [InlineData("How do I import data into Excel?", "How do I export data into Excel?", "opposite")]
    [InlineData("Should I buy Tesla stock now?", "Should I sell Tesla stock now?", "opposite")]
    [InlineData("How do I open a bank account?", "How do I close a bank account?", "opposite")]
    [InlineData("what is the capital of italy", "what is the capital of greece", "substitution")]
    [InlineData("Tell me about apples and pears and plums.", "Describe quantum chromodynamics lattice simulations.", "overlap")]
    public void Check_NearMiss_NamesTheFailingGuard(string stored, string asked, string guard)
    {
        Assert.Equal(guard, SemanticGuards.Check(PromptSignature.Parse(asked), PromptSignature.Parse(stored), Defaults));
    }

    [Theory]
    [InlineData("How do I reset my password?", "I forgot my password, how can I reset it?")]
    [InlineData("How do I install Python on Windows?", "how do i install python on windows")]
    [InlineData("What are the symptoms of the flu?", "What symptoms does the flu cause?")]
    [InlineData("How many calories are in 2 eggs?", "How many calories are in two eggs?")]
    [InlineData("Why doesn't my phone charge?", "Why won't my phone charge?")]
    public void Check_Paraphrase_Passes(string stored, string asked)
    {
        Assert.Null(SemanticGuards.Check(PromptSignature.Parse(asked), PromptSignature.Parse(stored), Defaults));
    }

    [Fact]
    public void Check_GuardTurnedOff_IsNotApplied()
    {
        var options = new LlmSemanticCacheOptions { Guards = LlmSemanticGuards.All & ~LlmSemanticGuards.Numbers };

        Assert.Null(SemanticGuards.Check(PromptSignature.Parse("orders over $100"), PromptSignature.Parse("orders over $50"), options));
    }

    [Fact]
    public void Check_LengthRatio_OnlyWhenSet()
    {
        var shortPrompt = PromptSignature.Parse("reset password");
        var longPrompt = PromptSignature.Parse("reset password reset password reset password reset password");
        var options = new LlmSemanticCacheOptions { MaxLengthRatio = 2 };

        Assert.Equal("length", SemanticGuards.Check(longPrompt, shortPrompt, options));
        Assert.Null(SemanticGuards.Check(longPrompt, shortPrompt, Defaults));
    }

    [Fact]
    public void Signature_EncodeDecode_RoundTripsWithoutText()
    {
        var signature = PromptSignature.Parse("Show me flights from New York to Florida under $300, not on Monday.");

        var encoded = signature.Encode();
        var decoded = PromptSignature.Decode(encoded);

        Assert.NotNull(decoded);
        Assert.Equal(signature.Length, decoded.Length);
        Assert.Equal(signature.Tokens, decoded.Tokens);
        Assert.DoesNotContain("York", Convert.FromBase64String(encoded).Select(b => (char)b).ToArray().AsSpan().ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Null(PromptSignature.Decode("not base64 !"));
        Assert.Null(PromptSignature.Decode(null));
        Assert.Null(PromptSignature.Decode(Convert.ToBase64String([9, 0, 0, 0, 0, 0, 0])));
    }

    [Fact]
    public void Tokenize_HashesAreStableAcrossProcesses()
    {
        Assert.Equal(PromptTokenizer.Hash("refund"), PromptTokenizer.Hash("refund"));
        Assert.Equal(3826002220u, PromptTokenizer.Hash("a"));
    }
}
