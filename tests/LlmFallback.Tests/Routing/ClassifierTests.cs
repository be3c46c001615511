namespace LlmFallback.Tests.Routing;

public sealed class ClassifierTests
{
    private static double Score(string text, ChatOptions? options = null, int turns = 1)
    {
        var messages = Enumerable.Range(0, turns - 1).Select(_ => new ChatMessage(ChatRole.Assistant, "ok")).Append(new ChatMessage(ChatRole.User, text)).ToList();
        return ComplexityHeuristic.Score(new RequestFacts(messages, options));
    }

    [Fact]
    public void ComplexityHeuristic_HandComputedScores()
    {
        Assert.Equal(15 / 1500.0 * 0.3, Score("What is Python?"), precision: 9);
        Assert.Equal(0.25 + (("```def f(): pass```".Length / 1500.0) * 0.3), Score("```def f(): pass```"), precision: 9);
        var reasoning = "Explain, compare and design it";
        Assert.Equal(0.6 + (reasoning.Length / 1500.0 * 0.3), Score(reasoning), precision: 9);
        Assert.Equal(0.1 + (4 / 1500.0 * 0.3), Score("a? ?"), precision: 9);
        Assert.Equal(0.1 + 0.1 + (2 / 1500.0 * 0.3), Score("hi", new ChatOptions { Tools = [AIFunctionFactory.Create(() => 1, "one")] }, turns: 7), precision: 9);
        Assert.Equal(1.0, Score(string.Concat(Enumerable.Repeat("explain why and design ```code``` ", 100))));
    }

    [Fact]
    public async Task EmbeddingRouteClassifier_NearestExamplesAboveThreshold_PicksTheirRouteAndEmbedsExamplesOnce()
    {
        var generator = new KeywordEmbeddings();
        var classifier = new EmbeddingRouteClassifier(generator, new Dictionary<string, IReadOnlyList<string>>
        {
            ["code"] = ["fix this python bug", "refactor my code"],
            ["chat"] = ["hello there", "how are you"],
        }, threshold: 0.5f);

        var code = await classifier.ClassifyAsync([new(ChatRole.User, "my python code has a bug")], null, TestContext.Current.CancellationToken);
        var chat = await classifier.ClassifyAsync([new(ChatRole.User, "hello, how are you")], null, TestContext.Current.CancellationToken);
        var none = await classifier.ClassifyAsync([new(ChatRole.User, "weather tomorrow")], null, TestContext.Current.CancellationToken);
        var empty = await classifier.ClassifyAsync([new(ChatRole.Assistant, "hello")], null, TestContext.Current.CancellationToken);

        Assert.Equal("code", code.Route);
        Assert.Equal("chat", chat.Route);
        Assert.Equal(LlmRouteClassification.None, none);
        Assert.Equal(LlmRouteClassification.None, empty);
        Assert.Equal(1, generator.ExampleBatches);
    }

    [Fact]
    public void EmbeddingRouteClassifier_InvalidArguments_Throw()
    {
        var generator = new KeywordEmbeddings();
        var examples = new Dictionary<string, IReadOnlyList<string>> { ["a"] = ["x"] };

        Assert.Throws<ArgumentNullException>("generator", () => new EmbeddingRouteClassifier(null!, examples));
        Assert.Throws<ArgumentNullException>("examples", () => new EmbeddingRouteClassifier(generator, null!));
        Assert.Throws<ArgumentException>("examples", () => new EmbeddingRouteClassifier(generator, new Dictionary<string, IReadOnlyList<string>> { ["a"] = [" "] }));
        Assert.Throws<ArgumentOutOfRangeException>("topK", () => new EmbeddingRouteClassifier(generator, examples, topK: 0));
        Assert.Throws<ArgumentOutOfRangeException>("threshold", () => new EmbeddingRouteClassifier(generator, examples, threshold: 2));
    }

    [Fact]
    public async Task LlmJudgeRouteClassifier_JudgeNamesARoute_ThatRouteElseNone()
    {
        var answers = new Queue<string>(["Smart.", "no idea"]);
        var judge = new TestChatClient { OnGetResponse = (_, _, _) => Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, answers.Dequeue()))) };
        var classifier = new LlmJudgeRouteClassifier(judge, new Dictionary<string, string> { ["fast"] = "small talk", ["smart"] = "hard problems" });

        var first = await classifier.ClassifyAsync([new(ChatRole.User, "prove P != NP")], null, TestContext.Current.CancellationToken);
        var second = await classifier.ClassifyAsync([new(ChatRole.User, "hmm")], null, TestContext.Current.CancellationToken);

        Assert.Equal(new LlmRouteClassification("smart", "judge"), first);
        Assert.Equal(LlmRouteClassification.None, second);
        var sent = judge.Calls[0];
        Assert.Contains("- smart: hard problems", sent.Messages[0].Text, StringComparison.Ordinal);
        Assert.Equal("prove P != NP", sent.Messages[1].Text);
        Assert.Equal((16, 0f), (sent.Options!.MaxOutputTokens, sent.Options.Temperature));
    }

    [Fact]
    public void LlmJudgeRouteClassifier_InvalidArguments_Throw()
    {
        Assert.Throws<ArgumentNullException>("judge", () => new LlmJudgeRouteClassifier(null!, new Dictionary<string, string> { ["a"] = "b" }));
        Assert.Throws<ArgumentNullException>("routes", () => new LlmJudgeRouteClassifier(new TestChatClient(), null!));
        Assert.Throws<ArgumentException>("routes", () => new LlmJudgeRouteClassifier(new TestChatClient(), new Dictionary<string, string>()));
    }

    [Fact]
    public async Task EmbeddingRouteClassifier_FirstCallerCancelsWhileExamplesEmbed_OthersStillClassified()
    {
        // The examples' shared embedding ran with the token of the request that happened to start it: its caller
        // cancelling cancelled it for every request waiting on it, which the routing stage then sent to the default.
        var gate = new TaskCompletionSource();
        var generator = new KeywordEmbeddings { ExamplesGate = gate.Task };
        var classifier = new EmbeddingRouteClassifier(generator, new Dictionary<string, IReadOnlyList<string>>
        {
            ["code"] = ["fix this python bug", "refactor my code"],
            ["chat"] = ["hello there", "how are you"],
        }, threshold: 0.5f);
        using var first = new CancellationTokenSource();
        var cancelled = classifier.ClassifyAsync([new(ChatRole.User, "my python code has a bug")], null, first.Token).AsTask();
        var waiting = classifier.ClassifyAsync([new(ChatRole.User, "my python code has a bug")], null, TestContext.Current.CancellationToken).AsTask();

        await first.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.SetResult();

        Assert.Equal("code", (await waiting).Route);
        Assert.Equal(1, generator.ExampleBatches);
    }

    /// <summary>A bag-of-keywords embedding: one dimension per known word, so similarities are predictable.</summary>
    private sealed class KeywordEmbeddings : IEmbeddingGenerator<string, Embedding<float>>
    {
        private static readonly string[] Words = ["python", "bug", "code", "refactor", "fix", "hello", "how", "are", "you", "there", "weather"];

        public int ExampleBatches { get; private set; }

        /// <summary>Gets or sets a task the examples' embedding waits for (with the token it was given).</summary>
        public Task ExamplesGate { get; set; } = Task.CompletedTask;

        public async Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default)
        {
            var list = values.ToList();
            if (list.Count > 1)
            {
                ExampleBatches++;
                await ExamplesGate.WaitAsync(cancellationToken);
            }

            return new GeneratedEmbeddings<Embedding<float>>(list.Select(v => new Embedding<float>(Words.Select(w => v.Contains(w, StringComparison.OrdinalIgnoreCase) ? 1f : 0f).ToArray())));
        }

        public object? GetService(Type serviceType, object? serviceKey = null) => null;

        public void Dispose()
        {
        }
    }
}
