using System.Text;
using System.Text.Json;

namespace LlmFallback.Gemini.Tests;

public class GeminiStreamReaderTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<List<GenerateContentResponse>> ReadAsync(string body)
    {
        var chunks = new List<GenerateContentResponse>();
        await foreach (var chunk in GeminiStreamReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(body)), "gem", "test-api-key", Ct))
        {
            chunks.Add(chunk);
        }

        return chunks;
    }

    [Fact]
    public async Task ReadAsync_DataEventsWithCommentsAndCrLf_YieldsEachChunk()
    {
        var body = ": keep-alive\r\ndata: " + GeminiWireJson.Text("a") + "\r\n\r\nevent: message\r\ndata:" + GeminiWireJson.Text("b") + "\r\n\r\n";

        var chunks = await ReadAsync(body);

        Assert.Equal(["a", "b"], chunks.Select(c => c.Candidates![0].Content!.Parts![0].Text));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadAsync_LineOrEventThatNeverEnds_FailsAtTheLimitInsteadOfGrowing(bool manyDataLines)
    {
        // One endless line, or an event of endless data: lines that never reach a blank line.
        using var body = new EndlessStream(manyDataLines ? "data: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n"u8.ToArray() : "data: xxxxxxxxxxxxxxxx"u8.ToArray());

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var _ in GeminiStreamReader.ReadAsync(body, "gem", "test-api-key", 1024 * 1024, Ct))
            {
            }
        });

        Assert.Equal("A Gemini stream line or event reached 1048576 bytes without ending.", error.Message);
        Assert.InRange(body.Served, 1024 * 1024, 2 * 1024 * 1024);
    }

    [Fact]
    public async Task ReadAsync_EventLargerThanTheFirstBuffer_IsReadWhole()
    {
        var text = new string('a', 200 * 1024);

        var chunks = await ReadAsync("data: " + GeminiWireJson.Text(text) + "\n\n");

        Assert.Equal(text, Assert.Single(chunks).Candidates![0].Content!.Parts![0].Text);
    }

    [Fact]
    public async Task ReadAsync_LastEventWithoutBlankLineOrLineBreak_IsStillRead()
    {
        var chunks = await ReadAsync("data: " + GeminiWireJson.Text("end"));

        Assert.Equal("end", Assert.Single(chunks).Candidates![0].Content!.Parts![0].Text);
    }

    [Fact]
    public async Task ReadAsync_ChunkLargerThanTheBuffer_IsRead()
    {
        var text = new string('x', 100_000);

        var chunks = await ReadAsync("data: " + GeminiWireJson.Text(text) + "\n\n");

        Assert.Equal(text, Assert.Single(chunks).Candidates![0].Content!.Parts![0].Text);
    }

    [Fact]
    public async Task ReadAsync_RawJsonErrorOverSeveralLinesAfterAChunk_ThrowsItWithStatusAndRetryInfo()
    {
        var error = JsonSerializer.Serialize(JsonDocument.Parse(GeminiWireJson.Error(429, "RESOURCE_EXHAUSTED", GeminiWireJson.QuotaMessage,
            GeminiWireJson.QuotaFailure("GenerateRequestsPerMinutePerProjectPerModel-FreeTier"), GeminiWireJson.RetryInfo("7s"))).RootElement, Indented);
        var chunks = new List<GenerateContentResponse>();

        var ex = await Assert.ThrowsAsync<LlmProviderException>(async () =>
        {
            await foreach (var chunk in GeminiStreamReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes("data: " + GeminiWireJson.Text("Hel") + "\r\n\r\n" + error + "\n")), "gem", "test-api-key", Ct))
            {
                chunks.Add(chunk);
            }
        });

        Assert.Single(chunks);
        Assert.Contains('\n', error);
        Assert.Equal(LlmFailureKind.RateLimited, ex.Kind);
        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(7), ex.RetryAfter);
        Assert.Equal("gem", ex.Provider);
    }

    [Fact]
    public async Task ReadAsync_RawJsonErrorArray_ThrowsTheClassifiedError()
    {
        var body = "[" + GeminiWireJson.Error(503, "UNAVAILABLE", GeminiWireJson.OverloadedMessage) + "]";

        var ex = await Assert.ThrowsAsync<LlmProviderException>(() => ReadAsync(body));

        Assert.Equal(LlmFailureKind.ServerError, ex.Kind);
        Assert.Equal(503, ex.StatusCode);
        Assert.Equal("UNAVAILABLE", ex.ErrorCode);
    }

    [Fact]
    public async Task ReadAsync_RawJsonCutBeforeItEnds_IsMalformed() =>
        await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync("{\n  \"error\": {\n    \"code\": 500,\n"));

    [Fact]
    public async Task ReadAsync_RawTextThatIsNotJson_IsMalformed() =>
        await Assert.ThrowsAnyAsync<JsonException>(() => ReadAsync("<html>Bad Gateway</html>\n"));

    [Fact]
    public async Task ReadAsync_RawJsonThatIsNoError_IsInvalidData() =>
        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync("{\"candidates\": []}\n"));
}

/// <summary>A body that repeats one pattern for ever, counting what it served; past 16 MB it fails the reader that kept reading.</summary>
internal sealed class EndlessStream(byte[] pattern) : Stream
{
    public long Served { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => Served; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (Served > 16 * 1024 * 1024)
        {
            throw new IOException("The reader kept reading an endless line past 16 MB.");
        }

        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = pattern[(int)((Served + i) % pattern.Length)];
        }

        Served += buffer.Length;
        return buffer.Length;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
