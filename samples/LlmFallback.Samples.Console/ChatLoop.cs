using LlmFallback;
using Microsoft.Extensions.AI;

/// <summary>One prompt, or a conversation read line by line until an empty line or the end of the input.</summary>
internal static class ChatLoop
{
    /// <returns><see langword="false"/> when the one prompt asked for got no answer.</returns>
    public static async Task<bool> RunAsync(IChatClient chat, string? prompt, bool simulated, CancellationToken cancellationToken)
    {
        var label = simulated ? "[simulated] " : string.Empty;
        var history = new List<ChatMessage>();
        if (prompt is not null)
        {
            Console.WriteLine($"{label}you: {prompt}");
            return await Turn(chat, history, prompt, cancellationToken);
        }

        Console.WriteLine();
        Console.WriteLine(simulated
            ? "Chat with the SIMULATED providers (they answer canned text; set a provider key for real answers). Empty line to quit."
            : "Chat (the conversation is kept; each answer says who answered and what it cost). Empty line to quit.");
        while (!cancellationToken.IsCancellationRequested)
        {
            Console.Write($"{label}you: ");
            var line = await Console.In.ReadLineAsync(cancellationToken);
            if (string.IsNullOrWhiteSpace(line))
            {
                return true;
            }

            await Turn(chat, history, line, cancellationToken);
        }

        return true;
    }

    private static async Task<bool> Turn(IChatClient chat, List<ChatMessage> history, string prompt, CancellationToken cancellationToken)
    {
        history.Add(new ChatMessage(ChatRole.User, prompt));
        var response = await ChatPrinter.AskAsync(chat, history, new ChatOptions().WithUser("console-user"), cancellationToken);
        if (response is null)
        {
            history.RemoveAt(history.Count - 1);   // a refused or failed turn is not part of the conversation
            return false;
        }

        history.AddRange(response.Messages);
        return true;
    }
}
