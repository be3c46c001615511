using LlmFallback.Samples.Gateway.Auth;

namespace LlmFallback.Samples.Gateway.Tests.Auth;

public sealed class NewKeyCommandTests
{
    [Fact]
    public void Run_ValidId_PrintsKeyOnceAndAHashThatMatchesIt()
    {
        using var output = new StringWriter();

        var exit = NewKeyCommand.Run("my-app", output);

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.TrimEntries);
        var key = Assert.Single(lines, l => l.StartsWith("lfk_", StringComparison.Ordinal));
        var hash = Assert.Single(lines, l => l.StartsWith("Gateway__ApiKeys__my-app__Hash=", StringComparison.Ordinal))["Gateway__ApiKeys__my-app__Hash=".Length..];
        Assert.StartsWith("lfk_my-app_", key, StringComparison.Ordinal);
        Assert.True(StoredApiKey.TryParse(hash, out var stored));
        Assert.True(stored!.Matches(key));
        Assert.Single(lines, l => l.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public void Run_InvalidId_Returns2WithoutAKey()
    {
        using var output = new StringWriter();

        var exit = NewKeyCommand.Run("bad id", output);

        Assert.Equal(2, exit);
        Assert.Equal("'bad id' is not a valid key id: use 1 to 64 letters, digits or '-'." + Environment.NewLine, output.ToString());
    }
}
