using System.Globalization;
using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>Splits a tool result into its text and its media (images, audio, files), for targets whose tool results hold only text.</summary>
internal static class ToolResultMedia
{
    /// <summary>Heads the user message that carries media moved out of tool results.</summary>
    public const string MessageHeader = "Attachments returned by the tool calls above:";

    public static bool HasMedia(object? result)
    {
        switch (result)
        {
            case DataContent or UriContent:
                return true;
            case IEnumerable<AIContent> contents:
                foreach (var content in contents)
                {
                    if (content is DataContent or UriContent)
                    {
                        return true;
                    }
                }

                return false;
            default:
                return false;
        }
    }

    /// <summary>Returns the result's text with a note naming how many attachments follow, and adds its media to <paramref name="media"/>.</summary>
    public static string Split(object? result, List<AIContent> media)
    {
        var text = new StringBuilder();
        var count = 0;
        IEnumerable<AIContent> contents = result is AIContent single ? [single] : (IEnumerable<AIContent>)result!;
        foreach (var content in contents)
        {
            switch (content)
            {
                case DataContent or UriContent:
                    media.Add(content);
                    count++;
                    break;
                case TextContent { Text.Length: > 0 } part:
                    text.Append(text.Length > 0 ? "\n" : string.Empty).Append(part.Text);
                    break;
            }
        }

        text.Append(text.Length > 0 ? "\n" : string.Empty)
            .Append(CultureInfo.InvariantCulture, $"[{count} attachment{(count == 1 ? string.Empty : "s")} returned by this tool follow{(count == 1 ? "s" : string.Empty)} in the next message.]");
        return text.ToString();
    }
}
