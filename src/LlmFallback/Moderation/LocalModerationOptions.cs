using System.Text.RegularExpressions;

namespace LlmFallback;

/// <summary>The rules of <see cref="LocalModerationService"/>. Bound from <c>Llm:Moderation:Local</c>.</summary>
public sealed class LocalModerationOptions
{
    /// <summary>The category the built-in prompt-injection rules report.</summary>
    public const string PromptInjectionCategory = "prompt_injection";

    /// <summary>Gets or sets the categories, by name: each a list of words or phrases and a list of patterns.</summary>
    /// <value>The default is empty: the service ships no word lists; add your own.</value>
    public IDictionary<string, LocalModerationCategory> Categories { get; set; } = new Dictionary<string, LocalModerationCategory>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Gets or sets a value indicating whether the built-in prompt-injection rules run ("ignore all previous
    /// instructions", "reveal your system prompt", "you are now DAN", ...), reported as <see cref="PromptInjectionCategory"/>.
    /// </summary>
    /// <value>The default is <see langword="false"/>.</value>
    public bool DetectPromptInjection { get; set; }

    internal static void Validate(LocalModerationOptions options, string prefix, List<string> errors)
    {
        if (options.Categories is null)
        {
            errors.Add($"{prefix}:Categories must not be null.");
            return;
        }

        foreach (var (name, category) in options.Categories)
        {
            var key = $"{prefix}:Categories:{name}";
            if (category is null)
            {
                errors.Add($"{key} must not be null.");
                continue;
            }

            if (category.Words is null || category.Patterns is null)
            {
                errors.Add($"{key}:Words and {key}:Patterns must not be null.");
                continue;
            }

            for (var i = 0; i < category.Words.Count; i++)
            {
                if (WordMatcher.Split(category.Words[i]).Length == 0)
                {
                    errors.Add($"{key}:Words:{i.ToString(System.Globalization.CultureInfo.InvariantCulture)} must hold a word.");
                }
            }

            for (var i = 0; i < category.Patterns.Count; i++)
            {
                if (LocalModerationRules.TryCompile(category.Patterns[i], out var error) is null)
                {
                    errors.Add($"{key}:Patterns:{i.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a pattern the linear-time engine accepts: {error}");
                }
            }
        }
    }
}

/// <summary>One category of <see cref="LocalModerationOptions"/>.</summary>
public sealed class LocalModerationCategory
{
    /// <summary>Gets or sets words or phrases matched as whole words, case-insensitively; phrase words may be separated by any spacing or punctuation.</summary>
    /// <value>The default is empty.</value>
    public IList<string> Words { get; set; } = [];

    /// <summary>
    /// Gets or sets .NET regular expressions matched case-insensitively with the linear-time (non-backtracking) engine,
    /// so no input can make a check slow; lookarounds and backreferences are therefore not available.
    /// </summary>
    /// <value>The default is empty.</value>
    public IList<string> Patterns { get; set; } = [];
}

/// <summary>Compiles the local moderator's patterns.</summary>
internal static class LocalModerationRules
{
    public static Regex? TryCompile(string? pattern, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(pattern))
        {
            error = "empty";
            return null;
        }

        try
        {
            return new Regex(pattern, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (ArgumentException ex)
        {
            // The parser's message names the construct, not the input text.
            error = ex.Message;
            return null;
        }
        catch (NotSupportedException ex)
        {
            error = ex.Message;
            return null;
        }
    }
}
