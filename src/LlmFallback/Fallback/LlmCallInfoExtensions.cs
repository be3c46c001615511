using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>Reads <see cref="LlmCallInfo"/> from responses and streaming updates.</summary>
public static class LlmCallInfoExtensions
{
    /// <summary>Gets who answered <paramref name="response"/>, if it passed through the fallback stage.</summary>
    /// <param name="response">The response.</param>
    /// <returns>The call information, or <see langword="null"/>.</returns>
    public static LlmCallInfo? GetLlmCallInfo(this ChatResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return response.AdditionalProperties?.TryGetValue(LlmCallInfo.AdditionalPropertiesKey, out var value) == true ? value as LlmCallInfo : null;
    }

    /// <summary>Gets who answered, from the final update of a stream that passed through the fallback stage.</summary>
    /// <param name="update">The update.</param>
    /// <returns>The call information, or <see langword="null"/> if this update does not carry it.</returns>
    public static LlmCallInfo? GetLlmCallInfo(this ChatResponseUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        return update.AdditionalProperties?.TryGetValue(LlmCallInfo.AdditionalPropertiesKey, out var value) == true ? value as LlmCallInfo : null;
    }

    internal static void SetLlmCallInfo(this ChatResponse response, LlmCallInfo info) =>
        (response.AdditionalProperties ??= new())[LlmCallInfo.AdditionalPropertiesKey] = info;
}
