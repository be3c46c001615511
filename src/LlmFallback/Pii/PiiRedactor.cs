using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace LlmFallback;

/// <summary>
/// A <see cref="Redactor"/> for host logs and telemetry built on <see cref="PiiDetector"/>: every value the detector
/// finds is replaced by its type (<c>[EMAIL]</c>), the rest of the text is kept. Register it for the data
/// classifications of free text with <see cref="PiiRedactionBuilderExtensions.SetPiiRedactor"/>.
/// </summary>
public sealed class PiiRedactor : Redactor
{
    private readonly PiiDetector _detector;

    /// <summary>Initializes a new instance of the <see cref="PiiRedactor"/> class.</summary>
    /// <param name="detector">The detector; <see langword="null"/> for <see cref="PiiDetector.Default"/>.</param>
    public PiiRedactor(PiiDetector? detector = null)
    {
        _detector = detector ?? PiiDetector.Default;
    }

    /// <inheritdoc/>
    public override int GetRedactedLength(ReadOnlySpan<char> input)
    {
        var length = input.Length;
        foreach (var match in _detector.Detect(input))
        {
            length += PiiRequestState.Label(match.EntityType).Length + 2 - match.Length;
        }

        return length;
    }

    /// <inheritdoc/>
    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        var written = 0;
        var copied = 0;
        foreach (var match in _detector.Detect(source))
        {
            var label = PiiRequestState.Label(match.EntityType);
            var needed = match.Start - copied + label.Length + 2;
            if (written + needed > destination.Length)
            {
                throw new ArgumentException("The destination is shorter than GetRedactedLength returned.", nameof(destination));
            }

            source[copied..match.Start].CopyTo(destination[written..]);
            written += match.Start - copied;
            destination[written++] = '[';
            label.CopyTo(destination[written..]);
            written += label.Length;
            destination[written++] = ']';
            copied = match.End;
        }

        var rest = source[copied..];
        if (written + rest.Length > destination.Length)
        {
            throw new ArgumentException("The destination is shorter than GetRedactedLength returned.", nameof(destination));
        }

        rest.CopyTo(destination[written..]);
        return written + rest.Length;
    }
}

/// <summary>Registers <see cref="PiiRedactor"/> with the host's redaction.</summary>
public static class PiiRedactionBuilderExtensions
{
    /// <summary>
    /// Uses <see cref="PiiRedactor"/> for <paramref name="classifications"/>. It takes the <see cref="PiiDetector"/>
    /// registered by <c>AddPiiRedaction</c> when there is one, else <see cref="PiiDetector.Default"/>.
    /// </summary>
    /// <param name="builder">The redaction builder (<c>services.AddRedaction(builder =&gt; ...)</c>).</param>
    /// <param name="classifications">The data classifications whose values it redacts.</param>
    /// <returns>The builder.</returns>
    public static IRedactionBuilder SetPiiRedactor(this IRedactionBuilder builder, params DataClassificationSet[] classifications)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(classifications);
        return builder.SetRedactor<PiiRedactor>(classifications);
    }
}
