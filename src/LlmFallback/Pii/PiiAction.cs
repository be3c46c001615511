namespace LlmFallback;

/// <summary>What <see cref="PiiRedactionChatClient"/> does with a detected value.</summary>
public enum PiiAction
{
    /// <summary>Replace it with its type: <c>[EMAIL]</c>. The model never sees it; the answer cannot refer to it.</summary>
    Redact = 0,

    /// <summary>Replace every letter and digit but the last four with <c>*</c>: <c>**** **** **** 1111</c>.</summary>
    Mask = 1,

    /// <summary>
    /// Replace it with a numbered placeholder, <c>&lt;EMAIL_1&gt;</c>: the same value gets the same placeholder within a
    /// conversation, and placeholders in the answer are turned back into the values (also across stream chunks).
    /// </summary>
    Pseudonymise = 2,

    /// <summary>Stop the call with a <see cref="PiiDetectedException"/> naming the types, never the values.</summary>
    Reject = 3,

    /// <summary>Leave it; log, audit and annotate the response.</summary>
    Warn = 4,

    /// <summary>Leave it without a trace: the type is not handled.</summary>
    Allow = 5,
}
