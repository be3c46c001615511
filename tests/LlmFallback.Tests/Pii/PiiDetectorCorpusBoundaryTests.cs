namespace LlmFallback.Tests.Pii;

/// <summary>Every positive of the corpus, for every recognizer: at the very end of the input, and wrapped in non-ASCII text.</summary>
public class PiiDetectorCorpusBoundaryTests
{
    public static TheoryData<string, string, string> Positives()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var c in PiiCorpus.Load())
        {
            if (c.Expected is not null)
            {
                data.Add(c.EntityType, c.Expected, c.Text);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Positives))]
    public void Detect_ValueAtTheEndOfTheInput_IsFoundWhole(string type, string value, string text)
    {
        var cut = text[..(text.IndexOf(value, StringComparison.Ordinal) + value.Length)];

        Assert.Contains(PiiDetector.Default.Detect(cut), m => m.EntityType == type && cut.Substring(m.Start, m.Length) == value);
    }

    [Theory]
    [MemberData(nameof(Positives))]
    public void Detect_TextWrappedInUnicode_IsFoundWhole(string type, string value, string text)
    {
        var wrapped = "«Zoë» 📎 " + text + " — ½ 終わり";

        Assert.Contains(PiiDetector.Default.Detect(wrapped), m => m.EntityType == type && wrapped.Substring(m.Start, m.Length) == value);
    }

    [Theory]
    [MemberData(nameof(Positives))]
    public void Detect_ValueGluedToALetter_IsNotCutInHalf(string type, string value, string text)
    {
        var glued = text.Replace(value, value + "x", StringComparison.Ordinal);

        Assert.DoesNotContain(PiiDetector.Default.Detect(glued), m => m.EntityType == type && glued.Substring(m.Start, m.Length) != value && value.StartsWith(glued.Substring(m.Start, m.Length), StringComparison.Ordinal) && m.Length < value.Length - 1);
    }
}
