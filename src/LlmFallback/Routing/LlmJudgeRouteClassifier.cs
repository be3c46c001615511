using System.Text;
using Microsoft.Extensions.AI;

namespace LlmFallback;

/// <summary>
/// Classifies a request by asking a cheap model (its own client, not the pipeline) which route fits, given each route's
/// description; the answer must name a route, anything else leaves the request to the default route. The request's
/// last user message is sent to the judge, cut at 4,000 characters.
/// </summary>
public sealed class LlmJudgeRouteClassifier : ILlmRouteClassifier
{
    private const int MaxChars = 4000;
    private readonly IChatClient _judge;
    private readonly string[] _routes;
    private readonly string _instructions;

    /// <summary>Initializes a new instance of the <see cref="LlmJudgeRouteClassifier"/> class.</summary>
    /// <param name="judge">The cheap model's client.</param>
    /// <param name="routes">What each route is for, by name.</param>
    /// <exception cref="ArgumentNullException">An argument is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="routes"/> is empty.</exception>
    public LlmJudgeRouteClassifier(IChatClient judge, IReadOnlyDictionary<string, string> routes)
    {
        ArgumentNullException.ThrowIfNull(judge);
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.Count == 0)
        {
            throw new ArgumentException("Describe at least one route.", nameof(routes));
        }

        _judge = judge;
        _routes = [.. routes.Keys];
        var sb = new StringBuilder("You route requests to the model best suited to them. Routes:\n");
        foreach (var (name, description) in routes)
        {
            sb.Append("- ").Append(name).Append(": ").Append(description).Append('\n');
        }

        _instructions = sb.Append("Reply with the name of one route and nothing else.").ToString();
    }

    /// <inheritdoc />
    public async ValueTask<LlmRouteClassification> ClassifyAsync(IReadOnlyList<ChatMessage> messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = EmbeddingRouteClassifier.LastUserText(messages);
        if (string.IsNullOrWhiteSpace(text))
        {
            return LlmRouteClassification.None;
        }

        var response = await _judge.GetResponseAsync(
            [new ChatMessage(ChatRole.System, _instructions), new ChatMessage(ChatRole.User, text.Length > MaxChars ? text[..MaxChars] : text)],
            new ChatOptions { MaxOutputTokens = 16, Temperature = 0 },
            cancellationToken).ConfigureAwait(false);
        var answer = response.Text.Trim().Trim('.', '"', '\'', '`');
        foreach (var route in _routes)
        {
            if (string.Equals(answer, route, StringComparison.OrdinalIgnoreCase))
            {
                return new LlmRouteClassification(route, "judge");
            }
        }

        return LlmRouteClassification.None;
    }
}
