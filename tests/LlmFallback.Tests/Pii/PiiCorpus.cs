namespace LlmFallback.Tests.Pii;

/// <summary>The labelled corpus in <c>pii-corpus.tsv</c>: positives and lookalikes for every entity type.</summary>
public static class PiiCorpus
{
    public sealed record Case(string EntityType, string? Expected, string Text);

    public static IReadOnlyList<Case> Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Pii", "pii-corpus.tsv");
        var cases = new List<Case>();
        foreach (var line in File.ReadAllLines(path))
        {
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var parts = line.Split('\t', 3);
            cases.Add(new Case(parts[0], parts[1] == "-" ? null : parts[1], parts[2]));
        }

        return cases;
    }
}
