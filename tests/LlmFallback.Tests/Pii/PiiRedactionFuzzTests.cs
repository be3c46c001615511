using System.Text;

namespace LlmFallback.Tests.Pii;

/// <summary>Seeded random texts: redaction never throws and never leaves a detected value in its output.</summary>
public class PiiRedactionFuzzTests
{
    private static readonly string[] Fragments =
    [
        " ", "  ", ".", ",", "-", "(", ")", "+", "@", ":", "/", "=", "\n", "\t", "www.", "https://", "0x", "bc1", "sk-", "eyJ", "é", "📞", "ü", "٤",
        "the", "call", "card", "routing", "NHS", "born", "passport", "key", "secret", "account", "driver's license", "ssn", "itin",
    ];

    [Theory]
    [InlineData(PiiAction.Redact)]
    [InlineData(PiiAction.Mask)]
    [InlineData(PiiAction.Pseudonymise)]
    public void Rewrite_RandomText_NeverThrowsAndLeavesNoDetectedValue(PiiAction action)
    {
        var random = new Random(20260311 + (int)action);
        var values = PiiCorpus.Load().Where(c => c.Expected is not null).Select(c => c.Expected!).ToArray();
        var detector = new PiiDetector();
        var options = new PiiRedactionOptions { DefaultAction = action };
        for (var iteration = 0; iteration < 2000; iteration++)
        {
            var text = RandomText(random, values);
            var found = detector.Detect(text);
            PiiRequestState? state = null;

            var rewritten = PiiRequestState.Rewrite(text, LlmContentSide.Input, detector, options, ref state);

            foreach (var match in found)
            {
                var value = text.Substring(match.Start, match.Length);
                Assert.True(!rewritten.Contains(value, StringComparison.Ordinal) || value.Length < 4 || IsPartOfPlaceholder(rewritten, value), $"'{value}' survived in: {rewritten}");
            }
        }
    }

    [Fact]
    public void Redactor_RandomText_NeverThrowsAndLeavesNoDetectedValue()
    {
        var random = new Random(424242);
        var values = PiiCorpus.Load().Where(c => c.Expected is not null).Select(c => c.Expected!).ToArray();
        var redactor = new PiiRedactor();
        for (var iteration = 0; iteration < 2000; iteration++)
        {
            var text = RandomText(random, values);
            var found = PiiDetector.Default.Detect(text);

            var redacted = redactor.Redact(text);

            Assert.Equal(redactor.GetRedactedLength(text), redacted.Length);
            foreach (var match in found)
            {
                Assert.DoesNotContain(text.Substring(match.Start, match.Length), redacted, StringComparison.Ordinal);
            }
        }
    }

    private static bool IsPartOfPlaceholder(string rewritten, string value) => rewritten.Contains("<" + value, StringComparison.Ordinal) || rewritten.Contains("[" + value, StringComparison.Ordinal);

    private static string RandomText(Random random, string[] values)
    {
        var builder = new StringBuilder();
        var parts = random.Next(1, 30);
        for (var i = 0; i < parts; i++)
        {
            switch (random.Next(4))
            {
                case 0:
                    builder.Append(values[random.Next(values.Length)]);
                    break;
                case 1:
                    builder.Append(Fragments[random.Next(Fragments.Length)]);
                    break;
                case 2:
                    builder.Append(random.Next(0, 1_000_000_000));
                    break;
                default:
                    for (var j = random.Next(1, 12); j > 0; j--)
                    {
                        builder.Append((char)random.Next(0x20, 0x7F));
                    }

                    break;
            }
        }

        return builder.ToString();
    }
}
