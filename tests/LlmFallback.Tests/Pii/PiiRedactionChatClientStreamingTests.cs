namespace LlmFallback.Tests.Pii;

public class PiiRedactionChatClientStreamingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetStreamingResponseAsync_PlaceholderSplitAtEveryPoint_IsRestored()
    {
        const string answer = "Sure, <EMAIL_1> and <PHONE_1> are noted; not <NOPE_1>.";
        for (var cut1 = 1; cut1 < answer.Length - 1; cut1++)
        {
            for (var cut2 = cut1 + 1; cut2 < answer.Length; cut2 += 3)
            {
                string[] chunks = [answer[..cut1], answer[cut1..cut2], answer[cut2..]];
                var inner = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => TestChatClient.Stream(ct, "m", chunks) };
                using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });

                var updates = new List<ChatResponseUpdate>();
                await foreach (var update in client.GetStreamingResponseAsync("Mail a@example.com or call +44 20 7946 0958.", cancellationToken: Ct))
                {
                    updates.Add(update);
                }

                Assert.Equal("Sure, a@example.com and +44 20 7946 0958 are noted; not <NOPE_1>.", string.Concat(updates.Select(u => u.Text)));
                Assert.DoesNotContain(updates, u => u.Text.Contains("<EMAIL", StringComparison.Ordinal) || u.Text.Contains("<PHONE", StringComparison.Ordinal));
            }
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OneCharacterChunks_AreRestoredAndReportCarried()
    {
        var answer = "Hello <EMAIL_1>!";
        var inner = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => TestChatClient.Stream(ct, "m", answer.Select(c => c.ToString()).ToArray()) };
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });

        var updates = await client.GetStreamingResponseAsync("I am a@example.com", cancellationToken: Ct).ToListAsync(Ct);
        var response = updates.ToChatResponse();

        Assert.Equal("Hello a@example.com!", response.Text);
        Assert.Equal(1, response.GetLlmSafetyReport()!.GetPiiCount("Email"));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_NoPiiAndNoOutputCheck_ReturnsTheInnerStream()
    {
        var inner = TestChatClient.Answering("plain answer");
        using var client = new PiiRedactionChatClient(inner);

        var updates = await client.GetStreamingResponseAsync("plain question", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal("plain answer", string.Concat(updates.Select(u => u.Text)));
        Assert.DoesNotContain(updates, u => u.GetLlmSafetyReport() is not null);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ApplyToOutputWithValueSplitAcrossChunks_RedactsIt()
    {
        string[] chunks = ["Your card ", "4111 11", "11 1111 ", "1111 is on file and so is ", "x@exam", "ple.com today."];
        var inner = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => TestChatClient.Stream(ct, "m", chunks) };
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { ApplyToOutput = true });

        var text = string.Concat((await client.GetStreamingResponseAsync("what is on file?", cancellationToken: Ct).ToListAsync(Ct)).Select(u => u.Text));

        Assert.Equal("Your card [CREDIT_CARD] is on file and so is [EMAIL] today.", text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ApplyToOutputWithContextWordsInOtherChunks_RedactsAsTheWholeAnswer()
    {
        // Account numbers are only numbers near "account": the word can be in text released earlier, or still held.
        const string answer = "Your bank account number is 40271983, kept on record at the branch office for any later questions; 93847562 is the savings account we opened.";
        using var whole = new PiiRedactionChatClient(TestChatClient.Answering(answer), new PiiRedactionOptions { ApplyToOutput = true });
        var expected = (await whole.GetResponseAsync("?", cancellationToken: Ct)).Text;
        Assert.Equal("Your bank account number is [US_BANK_ACCOUNT], kept on record at the branch office for any later questions; [US_BANK_ACCOUNT] is the savings account we opened.", expected);
        for (var cut = 1; cut < answer.Length; cut++)
        {
            string[] chunks = [answer[..cut], answer[cut..]];
            var inner = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => TestChatClient.Stream(ct, "m", chunks) };
            using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { ApplyToOutput = true });

            var updates = await client.GetStreamingResponseAsync("?", cancellationToken: Ct).ToListAsync(Ct);

            Assert.Equal(expected, string.Concat(updates.Select(u => u.Text)));
            Assert.Equal(2, updates.ToChatResponse().GetLlmSafetyReport()!.GetPiiCount("UsBankAccount"));
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ApplyToOutputOnTextWithoutSpaces_StreamsAndStillRedacts()
    {
        // Chinese and Japanese put no spaces between words: the held-back tail, cut only at white space, held the whole
        // answer to the end (and rescanned it per update). It must stream, and keep values whole across any split.
        var filler = string.Concat(Enumerable.Repeat("我们已经收到您的请求并将尽快处理", 12));
        var answer = filler + "请联系jane.roe@example.com获取更多信息" + filler;
        using var whole = new PiiRedactionChatClient(TestChatClient.Answering(answer), new PiiRedactionOptions { ApplyToOutput = true });
        var expected = (await whole.GetResponseAsync("?", cancellationToken: Ct)).Text;
        Assert.Contains("[EMAIL]", expected, StringComparison.Ordinal);

        for (var offset = 0; offset < 10; offset++)
        {
            var chunks = new List<string> { answer[..offset] };
            for (var i = offset; i < answer.Length; i += 10)
            {
                chunks.Add(answer[i..Math.Min(answer.Length, i + 10)]);
            }

            var inner = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => TestChatClient.Stream(ct, "m", [.. chunks]) };
            using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { ApplyToOutput = true });

            var updates = await client.GetStreamingResponseAsync("?", cancellationToken: Ct).ToListAsync(Ct);

            Assert.Equal(expected, string.Concat(updates.Select(u => u.Text)));
            var beforeLast = string.Concat(updates.Take(updates.Count / 2).Select(u => u.Text));
            Assert.True(beforeLast.Length > answer.Length / 4, $"only {beforeLast.Length} of {answer.Length} characters released in the first half of the updates");
        }
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OutputRejected_EndsTheStreamWithTheException()
    {
        string[] chunks = ["Card: ", "4111111111111111", " done"];
        var inner = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => TestChatClient.Stream(ct, "m", chunks) };
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { ApplyToOutput = true, Actions = { ["CreditCard"] = PiiAction.Reject } });

        var ex = await Assert.ThrowsAsync<PiiDetectedException>(async () => await client.GetStreamingResponseAsync("?", cancellationToken: Ct).ToListAsync(Ct));

        Assert.Equal(LlmContentSide.Output, ex.Side);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_InputRejected_ThrowsBeforeTheCall()
    {
        var inner = TestChatClient.Answering("never");
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Reject });

        await Assert.ThrowsAsync<PiiDetectedException>(async () => await client.GetStreamingResponseAsync("a@example.com", cancellationToken: Ct).ToListAsync(Ct));

        Assert.Equal(0, inner.CallCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FinalUpdateWithLlmCallInfo_CarriesTheReport()
    {
        var info = new LlmCallInfo("primary", "m", TimeSpan.Zero);
        var final = TestChatClient.Finish();
        final.AdditionalProperties = new() { [LlmCallInfo.AdditionalPropertiesKey] = info };
        var inner = TestChatClient.Streaming([TestChatClient.Text("ok"), final]);
        using var client = new PiiRedactionChatClient(inner);

        var updates = await client.GetStreamingResponseAsync("mail a@example.com", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal(2, updates.Count);
        Assert.Equal(1, info.Safety!.GetPiiCount("Email"));
        Assert.Same(info.Safety, updates[^1].GetLlmSafetyReport());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ReadOnlyContentsAndToolCall_AreRewrittenIntoNewLists()
    {
        var call = new FunctionCallContent("c1", "send", new Dictionary<string, object?> { ["to"] = "<EMAIL_1>" });
        var updates = new[]
        {
            new ChatResponseUpdate { Role = ChatRole.Assistant, MessageId = "m1", Contents = Array.AsReadOnly<AIContent>([new TextContent("Sending to <EMA")]) },
            new ChatResponseUpdate { Role = ChatRole.Assistant, MessageId = "m1", Contents = Array.AsReadOnly<AIContent>([new TextContent("IL_1> now."), call]) },
            TestChatClient.Finish(),
        };
        using var client = new PiiRedactionChatClient(TestChatClient.Streaming(updates), new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });

        var result = await client.GetStreamingResponseAsync("to a@example.com", cancellationToken: Ct).ToListAsync(Ct);

        Assert.Equal("Sending to a@example.com now.", string.Concat(result.Select(u => u.Text)));
        Assert.Equal("a@example.com", result.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single().Arguments!["to"]);
    }

    [Fact]
    public async Task GetResponseAsync_ReadOnlyContents_AreRestoredIntoANewList()
    {
        var answer = new ChatMessage(ChatRole.Assistant, Array.AsReadOnly<AIContent>([new TextContent("Hi <EMAIL_1>")]));
        var inner = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(answer)) };
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { DefaultAction = PiiAction.Pseudonymise });

        var response = await client.GetResponseAsync("I am a@example.com", cancellationToken: Ct);

        Assert.Equal("Hi a@example.com", response.Text);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_OutputValuesInSeveralChunks_AreAuditedOnceWithTheirTotal()
    {
        string[] chunks = ["Write to a@example.com or ", "to b@example.com or even ", "c@example.com, thanks for reading this far."];
        var audit = new RecordingAuditSink();
        var inner = new TestChatClient { OnGetStreamingResponse = (_, _, ct) => TestChatClient.Stream(ct, "m", chunks) };
        using var client = new PiiRedactionChatClient(inner, new PiiRedactionOptions { ApplyToOutput = true }, auditSink: audit);

        var response = (await client.GetStreamingResponseAsync("who?", cancellationToken: Ct).ToListAsync(Ct)).ToChatResponse();

        Assert.Equal("Write to [EMAIL] or to [EMAIL] or even [EMAIL], thanks for reading this far.", response.Text);
        var e = Assert.Single(audit.Events);
        Assert.Equal(("output", "redact", 3), (e.Direction, e.Action, e.Counts!["Email"]));
        Assert.Equal(3, response.GetLlmSafetyReport()!.GetPiiCount("Email"));
    }
}
