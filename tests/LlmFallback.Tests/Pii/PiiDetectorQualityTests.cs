using System.Globalization;
using System.Text;

namespace LlmFallback.Tests.Pii;

/// <summary>Precision and recall of every built-in entity type on the labelled corpus, with floors.</summary>
public class PiiDetectorQualityTests(ITestOutputHelper output)
{
    [Fact]
    public void Detect_LabelledCorpus_MeetsPrecisionAndRecallFloors()
    {
        var detector = new PiiDetector();
        var stats = new SortedDictionary<string, (int Tp, int Fp, int Fn)>(StringComparer.Ordinal);
        var failures = new List<string>();
        foreach (var c in PiiCorpus.Load())
        {
            var found = detector.Detect(c.Text);
            var hit = false;
            foreach (var match in found)
            {
                var value = c.Text.Substring(match.Start, match.Length);
                var s = stats.GetValueOrDefault(match.EntityType);
                if (c.Expected is not null && match.EntityType == c.EntityType && value == c.Expected)
                {
                    hit = true;
                    stats[match.EntityType] = (s.Tp + 1, s.Fp, s.Fn);
                }
                else
                {
                    stats[match.EntityType] = (s.Tp, s.Fp + 1, s.Fn);
                    failures.Add($"false positive {match.EntityType} '{value}' in: {c.Text}");
                }
            }

            if (c.Expected is not null && !hit)
            {
                var s = stats.GetValueOrDefault(c.EntityType);
                stats[c.EntityType] = (s.Tp, s.Fp, s.Fn + 1);
                failures.Add($"missed {c.EntityType} '{c.Expected}' in: {c.Text}");
            }
        }

        var table = new StringBuilder("| Entity | Positives | TP | FP | FN | Precision | Recall |\n|---|---|---|---|---|---|---|\n");
        foreach (var (type, (tp, fp, fn)) in stats)
        {
            table.Append(CultureInfo.InvariantCulture, $"| {type} | {tp + fn} | {tp} | {fp} | {fn} | {Ratio(tp, tp + fp)} | {Ratio(tp, tp + fn)} |\n");
        }

        output.WriteLine(table.ToString());
        foreach (var failure in failures)
        {
            output.WriteLine(failure);
        }

        foreach (var type in PiiEntityTypes.All)
        {
            var (tp, fp, fn) = stats.GetValueOrDefault(type);
            Assert.True(tp + fn >= 2, $"{type} has fewer than two positives in the corpus.");
            Assert.True(Precision(tp, fp) >= PrecisionFloor, $"{type} precision {Ratio(tp, tp + fp)} is under {PrecisionFloor}.\n{table}");
            Assert.True(Recall(tp, fn) >= RecallFloor, $"{type} recall {Ratio(tp, tp + fn)} is under {RecallFloor}.\n{table}");
        }
    }

    [Fact]
    public void Detect_ProseLines_FindsNothing()
    {
        var detector = new PiiDetector();
        foreach (var c in PiiCorpus.Load())
        {
            if (c.EntityType == "None")
            {
                Assert.Empty(detector.Detect(c.Text));
            }
        }
    }

    private const double PrecisionFloor = 0.9;
    private const double RecallFloor = 0.9;

    private static double Precision(int tp, int fp) => tp + fp == 0 ? 1 : (double)tp / (tp + fp);

    private static double Recall(int tp, int fn) => tp + fn == 0 ? 1 : (double)tp / (tp + fn);

    private static string Ratio(int part, int whole) => whole == 0 ? "n/a" : ((double)part / whole).ToString("0.00", CultureInfo.InvariantCulture);
}
