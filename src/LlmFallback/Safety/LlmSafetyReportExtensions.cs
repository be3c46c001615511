using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>Reads <see cref="LlmSafetyReport"/> from responses and streaming updates, with or without the fallback stage.</summary>
public static class LlmSafetyReportExtensions
{
    /// <summary>Gets what the safety stages did to the call that produced <paramref name="response"/>.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The report, or <see langword="null"/> if no safety stage had anything to report.</returns>
    public static LlmSafetyReport? GetLlmSafetyReport(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);

        // A streamed response keeps an update's properties on its message when the update had a message id.
        return Find(response.AdditionalProperties) ?? (response.Messages.Count > 0 ? Find(response.Messages[^1].AdditionalProperties) : null);
    }

    /// <summary>Gets the safety report a streaming update carries (the final update of a stream).</summary>
    /// <param name="update">The update.</param>
    /// <returns>The report, or <see langword="null"/> if this update carries none.</returns>
    public static LlmSafetyReport? GetLlmSafetyReport(this ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return Find(update.AdditionalProperties);
    }

    /// <summary>Gets the report of a response, adding one where <see cref="GetLlmSafetyReport(ChatResponse)"/> will find it.</summary>
    internal static LlmSafetyReport GetOrAddSafetyReport(this ChatResponse response) => GetOrAdd(response.AdditionalProperties ??= []);

    private static LlmSafetyReport GetOrAdd(AdditionalPropertiesDictionary properties)
    {
        if (properties.TryGetValue(LlmCallInfo.AdditionalPropertiesKey, out var value) && value is LlmCallInfo info)
        {
            return info.Annotations.Safety ??= new LlmSafetyReport();
        }

        if (properties.TryGetValue(LlmSafetyReport.AdditionalPropertiesKey, out value) && value is LlmSafetyReport report)
        {
            return report;
        }

        report = new LlmSafetyReport();
        properties[LlmSafetyReport.AdditionalPropertiesKey] = report;
        return report;
    }

    private static LlmSafetyReport? Find(AdditionalPropertiesDictionary? properties)
    {
        if (properties is null)
        {
            return null;
        }

        if (properties.TryGetValue(LlmCallInfo.AdditionalPropertiesKey, out var value) && value is LlmCallInfo { Safety: { } fromInfo })
        {
            return fromInfo;
        }

        return properties.TryGetValue(LlmSafetyReport.AdditionalPropertiesKey, out value) ? value as LlmSafetyReport : null;
    }
}
