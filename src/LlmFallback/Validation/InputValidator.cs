using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>Checks one request against <see cref="InputValidationOptions"/>; returns the first broken limit, or <see langword="null"/>.</summary>
internal static partial class InputValidator
{
    // C0 controls but tab, LF and CR; DEL and C1 controls; every surrogate (pairs are checked where one is found).
    private static readonly SearchValues<char> Suspicious = SearchValues.Create(Suspects());

    public static InputValidationException? Check(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, InputValidationOptions options, string prefix)
    {
        var index = 0;
        long totalChars = 0;
        long totalBytes = 0;
        LlmTokenCounter? counter = null;
        foreach (var message in messages)
        {
            if (message is null)
            {
                return new InputValidationException($"Message {I(index)} is null.", "Messages", messageIndex: index);
            }

            if (index + 1 > options.MaxMessages)
            {
                var count = TryCount(messages);
                return new InputValidationException(
                    $"The request has {(count is { } c ? I(c) : "more than " + I(options.MaxMessages))} messages; {prefix}:MaxMessages is {I(options.MaxMessages)}.",
                    nameof(InputValidationOptions.MaxMessages), count ?? index + 1, options.MaxMessages);
            }

            if (CheckRole(message, index, options, prefix) is { } roleError)
            {
                return roleError;
            }

            long chars = 0;
            var hasContent = false;
            foreach (var content in message.Contents)
            {
                if (content is TextContent or TextReasoningContent)
                {
                    var text = content is TextContent t ? t.Text : ((TextReasoningContent)content).Text;
                    chars += text?.Length ?? 0;
                    hasContent |= !string.IsNullOrWhiteSpace(text);
                    if (options.RejectControlCharacters && FindControl(text) is { Position: >= 0 } control)
                    {
                        return new InputValidationException(
                            $"Message {I(index)} ({Role(message)}) holds control character U+{control.Code:X4} at position {I(control.Position)}; {prefix}:RejectControlCharacters is on.",
                            nameof(InputValidationOptions.RejectControlCharacters), control.Code, null, index);
                    }
                }
                else if (content is DataContent data)
                {
                    hasContent = true;
                    var bytes = data.Data.Length;
                    totalBytes += bytes;
                    if (bytes > options.MaxAttachmentBytes)
                    {
                        return new InputValidationException(
                            $"Message {I(index)} ({Role(message)}) has an attachment of {I(bytes)} bytes; {prefix}:MaxAttachmentBytes is {I(options.MaxAttachmentBytes)}.",
                            nameof(InputValidationOptions.MaxAttachmentBytes), bytes, options.MaxAttachmentBytes, index);
                    }
                }
                else if (content is FunctionResultContent { Result: string or JsonElement } result)
                {
                    // Tool results are text sent to the model too (often the largest part of a request).
                    hasContent = true;
                    chars += result.Result is string s ? s.Length : Encoding.UTF8.GetCharCount(JsonMarshal.GetRawUtf8Value((JsonElement)result.Result));
                }
                else if (content is not null)
                {
                    hasContent = true;
                }
            }

            if (options.RejectEmptyMessages && !hasContent)
            {
                return new InputValidationException($"Message {I(index)} ({Role(message)}) is empty; {prefix}:RejectEmptyMessages is on.", nameof(InputValidationOptions.RejectEmptyMessages), messageIndex: index);
            }

            if (chars > options.MaxMessageCharacters)
            {
                return new InputValidationException(
                    $"Message {I(index)} ({Role(message)}) has {I(chars)} characters; {prefix}:MaxMessageCharacters is {I(options.MaxMessageCharacters)}.",
                    nameof(InputValidationOptions.MaxMessageCharacters), chars, options.MaxMessageCharacters, index);
            }

            if (options.MaxMessageTokens is { } maxTokens && chars > 0)
            {
                counter ??= LlmTokenCounter.ForModel(options.TokenizerModel ?? chatOptions?.ModelId);
                var tokens = CountText(counter, message);
                if (tokens > maxTokens)
                {
                    return new InputValidationException(
                        $"Message {I(index)} ({Role(message)}) has {I(tokens)} tokens; {prefix}:MaxMessageTokens is {I(maxTokens)}.",
                        nameof(InputValidationOptions.MaxMessageTokens), tokens, maxTokens, index);
                }
            }

            totalChars += chars;
            index++;
        }

        if (index == 0)
        {
            return new InputValidationException("The request has no messages.", "Messages", 0);
        }

        return CheckTotals(messages, chatOptions, options, prefix, totalChars, totalBytes, counter);
    }

    private static InputValidationException? CheckTotals(IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, InputValidationOptions options, string prefix, long totalChars, long totalBytes, LlmTokenCounter? counter)
    {
        if (totalChars > options.MaxTotalCharacters)
        {
            return new InputValidationException(
                $"The request has {I(totalChars)} characters; {prefix}:MaxTotalCharacters is {I(options.MaxTotalCharacters)}.",
                nameof(InputValidationOptions.MaxTotalCharacters), totalChars, options.MaxTotalCharacters);
        }

        if (totalBytes > options.MaxTotalAttachmentBytes)
        {
            return new InputValidationException(
                $"The request's attachments hold {I(totalBytes)} bytes; {prefix}:MaxTotalAttachmentBytes is {I(options.MaxTotalAttachmentBytes)}.",
                nameof(InputValidationOptions.MaxTotalAttachmentBytes), totalBytes, options.MaxTotalAttachmentBytes);
        }

        if (options.MaxTotalTokens is { } maxTotal)
        {
            counter ??= LlmTokenCounter.ForModel(options.TokenizerModel ?? chatOptions?.ModelId);
            var tokens = counter.CountTokens(messages, chatOptions);
            if (tokens > maxTotal)
            {
                return new InputValidationException(
                    $"The request has {I(tokens)} prompt tokens; {prefix}:MaxTotalTokens is {I(maxTotal)}.",
                    nameof(InputValidationOptions.MaxTotalTokens), tokens, maxTotal);
            }
        }

        return null;
    }

    private static InputValidationException? CheckRole(ChatMessage message, int index, InputValidationOptions options, string prefix)
    {
        var role = message.Role.Value;
        var allowed = options.AllowedRoles.Count == 0 ? (IEnumerable<string>)InputValidationOptions.StandardRoles : options.AllowedRoles;
        foreach (var candidate in allowed)
        {
            if (string.Equals(candidate, role, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return new InputValidationException(
            $"Message {I(index)} has role '{LogSafe.Code(role)}', which {prefix}:AllowedRoles does not allow (allowed: {string.Join(", ", allowed)}).",
            nameof(InputValidationOptions.AllowedRoles), messageIndex: index);
    }

    private static int? TryCount(IEnumerable<ChatMessage> messages) => messages is ICollection<ChatMessage> collection ? collection.Count : null;

    private static string Role(ChatMessage message) => LogSafe.Code(message.Role.Value);

    private static string I(long value) => value.ToString(CultureInfo.InvariantCulture);
}
