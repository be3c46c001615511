using System.Text.Json;
using LlmFallback.Conformance;

namespace LlmFallback.OpenAI.Tests.Load;

/// <summary>
/// A model server that fails about 30% of calls with every fault a degraded upstream shows, drawn per request from a
/// seeded random source: 429 with <c>Retry-After: 1</c>, 429 without it, 500, 503, a reset before headers, and
/// streams that are cut, stall or turn malformed after part of the answer. Good answers stream for about a second.
/// A request that ends with an assistant prefill is answered with the rest of the answer, as a continuing model does.
/// </summary>
internal sealed class DegradedUpstream(int seed, double faultRate = 0.3)
{
    public const string Answer = "The answer to everything is forty-two, as computed.";
    private static readonly string[] Pieces = ["The answer ", "to everything ", "is forty-two, ", "as computed."];
    private readonly Random _random = new(seed);
    private readonly Lock _gate = new();

    /// <summary>Gets or sets a value indicating whether every call fails with a 503 (the upstream is down).</summary>
    public bool Down { get; set; }

    public int Served { get; private set; }

    public WireScenario Next(RecordedRequest request)
    {
        double roll;
        lock (_gate)
        {
            roll = _random.NextDouble();
            Served++;
        }

        if (Down)
        {
            return WireScenario.Error(WireError.Unavailable);
        }

        var rest = Remaining(request);
        if (rest.Length == 0 && !Answer.StartsWith(PrefillOf(request), StringComparison.Ordinal))
        {
            return WireScenario.Error(WireError.BadRequest);
        }

        var good = WireScenario.Stream(rest).WithChunkDelay(TimeSpan.FromMilliseconds(250));
        if (roll >= faultRate)
        {
            return good;
        }

        // The faults, in equal shares of the fault rate.
        var part = rest[..Math.Max(1, rest.Length / 2)];
        return (int)(roll / faultRate * 8) switch
        {
            0 => WireScenario.Error(WireError.RateLimited, retryAfter: "1"),
            1 => WireScenario.Error(WireError.RateLimited),
            2 => WireScenario.Error(WireError.ServerError),
            3 => WireScenario.Error(WireError.Unavailable),
            4 => WireScenario.ResetBeforeHeaders(),
            5 => WireScenario.StreamCut(part).WithChunkDelay(TimeSpan.FromMilliseconds(100)),
            6 => WireScenario.StreamStall(part),
            _ => WireScenario.StreamMalformed(part),
        };
    }

    private static string PrefillOf(RecordedRequest request)
    {
        var messages = request.Json.GetProperty("messages");
        var last = messages[messages.GetArrayLength() - 1];
        return last.GetProperty("role").GetString() == "assistant" && last.GetProperty("content").ValueKind == JsonValueKind.String
            ? last.GetProperty("content").GetString()!
            : string.Empty;
    }

    /// <summary>The pieces of the answer still to be said after the request's trailing assistant message, if any.</summary>
    private static string[] Remaining(RecordedRequest request)
    {
        var said = PrefillOf(request);
        if (said.Length == 0)
        {
            return Pieces;
        }

        if (!Answer.StartsWith(said, StringComparison.Ordinal))
        {
            // Answered with a 400 the client surfaces, which the test reports: the rescue sent a wrong prefill.
            return [];
        }

        // A model asked to continue a finished answer just finishes; otherwise it says the rest, in two pieces.
        var rest = Answer[said.Length..];
        return rest.Length switch
        {
            0 => [],
            1 => [rest],
            _ => [rest[..(rest.Length / 2)], rest[(rest.Length / 2)..]],
        };
    }
}
