using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Carries a safety stage's report on a stream: onto the update that carries <see cref="LlmCallInfo"/> (or an inner
/// stage's report), or, when no update does, onto one trailing update. A mutable struct held by the stage's iterator.
/// </summary>
internal struct StreamSafety
{
    private LlmSafetyReport? _report;
    private LlmCallInfo? _info;
    private bool _attached;

    /// <summary>Gets a value indicating whether the stage reported anything.</summary>
    public readonly bool HasReport => _report is not null;

    /// <summary>Gets the report to add to, creating it (and attaching it to a seen <see cref="LlmCallInfo"/>) on first use.</summary>
    public LlmSafetyReport Report
    {
        get
        {
            if (_report is null)
            {
                _report = new LlmSafetyReport();
                if (_info is not null)
                {
                    _info.Annotations.Safety = _report;
                }
            }

            return _report;
        }
    }

    /// <summary>Looks at an update on its way to the caller; cheap when it carries no properties.</summary>
    public void Observe(ChatResponseUpdate update)
    {
        if (update.AdditionalProperties is not { } properties)
        {
            return;
        }

        if (properties.TryGetValue(LlmCallInfo.AdditionalPropertiesKey, out var value) && value is LlmCallInfo info)
        {
            _info = info;
            _attached = true;
            if (info.Safety is { } existing)
            {
                Adopt(existing);
            }
            else if (_report is not null)
            {
                info.Annotations.Safety = _report;
            }
        }
        else if (properties.TryGetValue(LlmSafetyReport.AdditionalPropertiesKey, out value) && value is LlmSafetyReport inner)
        {
            _attached = true;
            Adopt(inner);
        }
    }

    /// <summary>Gets the update that carries the report when no update of the stream did; <see langword="null"/> otherwise.</summary>
    public readonly ChatResponseUpdate? TrailingUpdate(string? responseId)
    {
        if (_report is null || _attached)
        {
            return null;
        }

        return new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            // No message id: ToChatResponse() then keeps the properties on the response, not on a message.
            ResponseId = responseId,
            AdditionalProperties = new() { [LlmSafetyReport.AdditionalPropertiesKey] = _report },
        };
    }

    private void Adopt(LlmSafetyReport existing)
    {
        if (_report is not null && !ReferenceEquals(_report, existing))
        {
            _report.MergeInto(existing);
        }

        _report = existing;
    }
}
