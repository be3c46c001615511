using LlmFallback.Samples.Gateway.Auth;

namespace LlmFallback.Samples.Gateway.Tests.Auth;

public sealed class ApiKeyHasherTests
{
    [Fact]
    public void Hash_NewKey_MatchesOnlyThatKeyAndNeverHoldsIt()
    {
        var key = ApiKeyHasher.NewKey("app-1");
        var hash = ApiKeyHasher.Hash(key);

        Assert.True(StoredApiKey.TryParse(hash, out var stored));
        Assert.True(stored!.Matches(key));
        Assert.False(stored.Matches(ApiKeyHasher.NewKey("app-1")));
        Assert.False(stored.Matches(key[..^1]));
        Assert.DoesNotContain(key["lfk_app-1_".Length..], hash, StringComparison.Ordinal);
    }

    [Fact]
    public void Hash_SameKeyTwice_UsesFreshSalts()
    {
        var key = ApiKeyHasher.NewKey("app-1");

        Assert.NotEqual(ApiKeyHasher.Hash(key), ApiKeyHasher.Hash(key));
    }

    [Theory]
    [InlineData("lfk_app-1_secret", "app-1")]
    [InlineData("lfk_a_b_c", "a")]
    public void TryGetId_KeyShape_ReturnsId(string key, string id)
    {
        Assert.True(ApiKeyHasher.TryGetId(key, out var found));
        Assert.Equal(id, found.ToString());
    }

    [Theory]
    [InlineData("sk-abc")]
    [InlineData("lfk_")]
    [InlineData("lfk__secret")]
    [InlineData("lfk_app_")]
    public void TryGetId_NotAKey_ReturnsFalse(string key) => Assert.False(ApiKeyHasher.TryGetId(key, out _));

    [Theory]
    [InlineData("v1.abc")]
    [InlineData("v2.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("v1.!!!.???")]
    [InlineData(null)]
    public void TryParse_Malformed_ReturnsFalse(string? hash) => Assert.False(StoredApiKey.TryParse(hash, out _));

    [Theory]
    [InlineData("app-1", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("under_score", false)]
    public void IsValidId_Checks(string id, bool valid) => Assert.Equal(valid, ApiKeyHasher.IsValidId(id));
}
