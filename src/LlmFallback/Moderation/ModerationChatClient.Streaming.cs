using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <content>Streaming: the request is checked before the call; the answer in windows as it arrives.</content>
public sealed partial class ModerationChatClient
{
    /// <inheritdoc/>
    public override IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        messages = LlmMessages.Validate(messages);
        return StreamAsync(messages, options, cancellationToken);
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamAsync(IEnumerable<ChatMessage> messages, ChatOptions? options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var safety = default(StreamSafety);
        if (_options.CheckInput && await CheckInputAsync(messages, options, cancellationToken).ConfigureAwait(false) is { } input)
        {
            input.Apply(safety.Report);
        }

        var window = _options.CheckOutput ? new OutputWindow(_options, _timeProvider) : null;
        ChatResponseUpdate? last = null;
        await foreach (var update in base.GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            safety.Observe(update);
            last = update;
            if (window is null)
            {
                yield return update;
                continue;
            }

            var text = update.Text;
            window.Append(text);
            if (!_options.HoldUntilChecked)
            {
                window.Sent += text.Length;
                yield return update;
            }
            else
            {
                window.Held.Add(update);
            }

            if (window.IsDue())
            {
                await CheckWindowAsync(window, options, safety.Report, cancellationToken).ConfigureAwait(false);
                foreach (var held in window.Release())
                {
                    yield return held;
                }
            }
        }

        if (window is { HasUnchecked: true })
        {
            try
            {
                await CheckWindowAsync(window, options, safety.Report, cancellationToken).ConfigureAwait(false);
            }
            catch (ModerationException) when (last is not null)
            {
                // The whole answer was read (and so stored by a cache inside this stage) before its end was blocked.
                await last.DoNotCacheAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }

        if (window is not null)
        {
            foreach (var held in window.Release())
            {
                yield return held;
            }
        }

        if (last is not null && safety.HasReport && safety.Report.ModerationFlags.Count > 0)
        {
            // The stream was read to its end, so a cache inside this stage stored it: a flagged answer is taken out.
            await last.DoNotCacheAsync(CancellationToken.None).ConfigureAwait(false);
        }

        if (safety.TrailingUpdate(last?.ResponseId) is { } trailing)
        {
            yield return trailing;
        }
    }

    private async ValueTask CheckWindowAsync(OutputWindow window, ChatOptions? options, LlmSafetyReport report, CancellationToken cancellationToken)
    {
        var findings = await CheckAsync(window.Take(), LlmContentSide.Output, options, window.Sent, cancellationToken, window.Reported).ConfigureAwait(false);
        findings?.Apply(report);
    }

    /// <summary>The streamed text not yet checked, the updates held until it is, and the overlap kept from the last window.</summary>
    private sealed class OutputWindow(ModerationOptions options, TimeProvider timeProvider)
    {
        private readonly StringBuilder _text = new();
        private int _checkedLength;
        private long _firstUncheckedAt;

        public List<ChatResponseUpdate> Held { get; } = [];

        /// <summary>Gets the categories already flagged or logged on this stream (windows overlap, so a hit may be seen twice).</summary>
        public HashSet<string> Reported { get; } = new(StringComparer.Ordinal);

        public int Sent { get; set; }

        public bool HasUnchecked => _text.Length > _checkedLength;

        public void Append(string text)
        {
            if (text.Length == 0)
            {
                return;
            }

            if (!HasUnchecked)
            {
                _firstUncheckedAt = timeProvider.GetTimestamp();
            }

            _text.Append(text);
        }

        public bool IsDue() =>
            HasUnchecked && (_text.Length - _checkedLength >= options.StreamWindowCharacters
                || timeProvider.GetElapsedTime(_firstUncheckedAt) >= options.StreamWindowInterval);

        /// <summary>Returns the window to check (overlap plus new text) and keeps only the next window's overlap.</summary>
        public string Take()
        {
            var window = _text.ToString();
            var keep = Math.Min(options.StreamWindowOverlap, _text.Length);
            _text.Remove(0, _text.Length - keep);
            _checkedLength = _text.Length;
            return window;
        }

        public List<ChatResponseUpdate> Release()
        {
            if (Held.Count == 0)
            {
                return Held;
            }

            var released = new List<ChatResponseUpdate>(Held);
            Held.Clear();
            foreach (var update in released)
            {
                Sent += update.Text.Length;
            }

            return released;
        }
    }
}
