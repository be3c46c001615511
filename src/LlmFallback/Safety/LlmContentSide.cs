namespace LlmFallback;

/// <summary>Which side of a call a safety decision was about.</summary>
public enum LlmContentSide
{
    /// <summary>The request: messages sent to the model.</summary>
    Input = 0,

    /// <summary>The response: what the model answered.</summary>
    Output = 1,
}
