using System.Text.Json;

namespace LlmFallback.Readme.Tests;

public class ReadmeUseItTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public void UseItProgram_IsTheCodeCompiledInThisProject()
    {
        var readme = Block(File.ReadAllLines(Path.Combine(Root, "README.md")), "`Program.cs`:", "```csharp");
        var compiled = File.ReadAllLines(Path.Combine(Root, "tests", "LlmFallback.Readme.Tests", "UseItExample.cs"));

        var usings = compiled.TakeWhile(l => l.StartsWith("using ", StringComparison.Ordinal)).ToList();
        var begin = Array.FindIndex(compiled, l => l.Trim() == "// README:begin");
        var end = Array.FindIndex(compiled, l => l.Trim() == "// README:end");
        var body = compiled[(begin + 1)..end].Select(l => l.Length >= 8 ? l[8..] : l.TrimStart());

        Assert.Equal([.. usings, string.Empty, .. body], readme);
    }

    [Fact]
    public void UseItAppSettings_IsValidJsonWithTheLocalChain()
    {
        var json = string.Join('\n', Block(File.ReadAllLines(Path.Combine(Root, "README.md")), "`appsettings.json`", "```json"));

        using var document = JsonDocument.Parse(json);
        var llm = document.RootElement.GetProperty("Llm");
        Assert.Equal("OpenAICompatible", llm.GetProperty("Providers").GetProperty("local").GetProperty("Type").GetString());
        Assert.Equal("local", llm.GetProperty("Fallback").GetProperty("Chain")[0].GetString());
    }

    /// <summary>The lines of the first fenced block that opens with <paramref name="fence"/> after the line starting with <paramref name="after"/>.</summary>
    private static List<string> Block(string[] lines, string after, string fence)
    {
        var start = Array.FindIndex(lines, l => l.StartsWith(after, StringComparison.Ordinal));
        Assert.True(start >= 0, $"README has no line starting with {after}");
        var open = Array.FindIndex(lines, start, l => l == fence);
        var close = Array.FindIndex(lines, open + 1, l => l == "```");
        return [.. lines[(open + 1)..close]];
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "LlmFallback.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (LlmFallback.sln) was not found above the test's output folder.");
    }
}
