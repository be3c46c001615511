namespace LlmFallback.Tests.Failures;

public class LlmPartialResponseExceptionTests
{
    [Fact]
    public void Constructor_NullArguments_Throw()
    {
        var failure = new LlmFailure(LlmFailureKind.Transport);

        Assert.Throws<ArgumentNullException>("provider", () => new LlmPartialResponseException(null!, failure, 1, []));
        Assert.Throws<ArgumentNullException>("failure", () => new LlmPartialResponseException("a", null!, 1, []));
        Assert.Throws<ArgumentNullException>("attempts", () => new LlmPartialResponseException("a", failure, 1, null!));
    }

    [Fact]
    public void Message_PartialStream_ExactTextAndFacts()
    {
        var cut = new HttpIOException(HttpRequestError.ResponseEnded, "The response ended prematurely: partial answer text");
        var failure = new LlmFailure(LlmFailureKind.Transport, exception: cut);
        LlmAttempt[] attempts = [new("openai", "gpt-4o", failure, TimeSpan.FromMilliseconds(750), LlmAttemptDecision.Surfaced)];

        var ex = new LlmPartialResponseException("openai", failure, 42, attempts);

        Assert.Equal(
            "The streamed response is partial: the stream from 'openai' failed (Transport) after 42 characters had been sent to the caller, and no provider could continue it. Attempts: openai: Transport in 750ms, surfaced.",
            ex.Message);
        Assert.Equal("openai", ex.Provider);
        Assert.Same(failure, ex.Failure);
        Assert.Equal(42, ex.CommittedCharacters);
        Assert.Same(cut, ex.InnerException);
        Assert.Same(attempts, ex.Attempts);
    }
}
