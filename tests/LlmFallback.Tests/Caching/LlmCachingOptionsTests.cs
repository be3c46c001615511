namespace LlmFallback.Tests.Caching;

public sealed class LlmCachingOptionsTests
{
    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var o = new LlmCachingOptions();

        Assert.True(o.Enabled);
        Assert.Equal("default", o.Namespace);
        Assert.Equal(LlmCacheScope.User, o.Scope);
        Assert.Equal(TimeSpan.FromHours(1), o.DefaultTimeToLive);
        Assert.Empty(o.RouteTimeToLive);
        Assert.False(o.CacheToolCalls);
        var s = o.Semantic;
        Assert.False(s.Enabled);
        Assert.Equal(0.8, s.SimilarityThreshold);
        Assert.Equal(LlmSemanticGuards.All, s.Guards);
        Assert.Equal(0.3, s.MinLexicalOverlap);
        Assert.Equal(0, s.MaxLengthRatio);
        Assert.False(s.AllowMultiTurn);
        Assert.Equal(4, s.MaxCandidates);
        Assert.Equal(2000, s.MaxPromptLength);
        Assert.Equal(10_000, s.MaxEntries);
    }

    [Fact]
    public void Validate_Defaults_NoErrors()
    {
        var errors = new List<string>();

        LlmCachingOptionsValidator.Validate(new LlmCachingOptions(), "Llm:Caching", errors);

        Assert.Empty(errors);
    }

    [Fact]
    public void Validate_EveryBadValue_NamesItsKey()
    {
        var o = new LlmCachingOptions
        {
            Namespace = " ",
            Scope = (LlmCacheScope)9,
            DefaultTimeToLive = TimeSpan.FromDays(400),
            Semantic = new LlmSemanticCacheOptions
            {
                SimilarityThreshold = 0,
                MinLexicalOverlap = 1.5,
                MaxLengthRatio = 0.5,
                Guards = (LlmSemanticGuards)64,
                MaxCandidates = 0,
                MaxPromptLength = 0,
                MaxEntries = 0,
            },
        };
        o.RouteTimeToLive["fast"] = TimeSpan.FromSeconds(-1);
        var errors = new List<string>();

        LlmCachingOptionsValidator.Validate(o, "Llm:Caching", errors);

        Assert.Equal(
        [
            "Llm:Caching:Namespace must be a non-blank name of at most 100 characters.",
            "Llm:Caching:Scope has an unknown value '9'; expected one of: User, Tenant, Shared.",
            "Llm:Caching:DefaultTimeToLive must be positive and at most 365 days (was 400.00:00:00).",
            "Llm:Caching:RouteTimeToLive:fast must be between 00:00:00 (not cached) and 365 days (was -00:00:01).",
            "Llm:Caching:Semantic:SimilarityThreshold must be greater than 0 and at most 1 (was 0).",
            "Llm:Caching:Semantic:MinLexicalOverlap must be between 0 and 1 (was 1.5).",
            "Llm:Caching:Semantic:MaxLengthRatio must be 0 (off) or between 1 and 100 (was 0.5).",
            "Llm:Caching:Semantic:Guards has an unknown value '64'; expected a combination of: None, Numbers, Entities, Negation, Comparatives, LexicalOverlap, All.",
            "Llm:Caching:Semantic:MaxCandidates must be between 1 and 100 (was 0).",
            "Llm:Caching:Semantic:MaxPromptLength must be between 1 and 100000 (was 0).",
            "Llm:Caching:Semantic:MaxEntries must be between 1 and 10000000 (was 0).",
        ], errors);
    }

    [Fact]
    public void Validate_NullSections_NameTheirKeys()
    {
        var errors = new List<string>();

        LlmCachingOptionsValidator.Validate(new LlmCachingOptions { RouteTimeToLive = null!, Semantic = null! }, "Llm:Caching", errors);

        Assert.Equal(["Llm:Caching:RouteTimeToLive must not be null.", "Llm:Caching:Semantic must not be null."], errors);
    }
}
