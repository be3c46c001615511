using System.Text;

namespace LlmFallback.Gemini.Tests;

public partial class GeminiErrorsTests
{
    private static LlmProviderException ClassifyRequest(int status, string body, bool hasFileData) =>
        GeminiErrors.Create(status, GeminiErrors.Parse(Encoding.UTF8.GetBytes(body)), null, "gem", "test-api-key", hasFileData);

    [Theory]
    [InlineData(404, "NOT_FOUND", GeminiWireJson.FileNotFoundMessage)]
    [InlineData(403, "PERMISSION_DENIED", GeminiWireJson.FilePermissionMessage)]
    public void Create_MissingFileOnARequestWithFileData_IsABadRequestNamedFileNotFound(int status, string code, string message)
    {
        var ex = ClassifyRequest(status, GeminiWireJson.Error(status, code, message), hasFileData: true);

        Assert.Equal(LlmFailureKind.BadRequest, ex.Kind);
        Assert.Equal(GeminiErrors.FileNotFoundCode, ex.ErrorCode);
        Assert.Equal(status, ex.StatusCode);
    }

    [Fact]
    public void Create_MissingModelOnARequestWithFileData_StaysModelNotFound()
    {
        var ex = ClassifyRequest(404, GeminiWireJson.Error(404, "NOT_FOUND", GeminiWireJson.NotFoundMessage), hasFileData: true);

        Assert.Equal(LlmFailureKind.ModelNotFound, ex.Kind);
    }

    [Theory]
    [InlineData(404, "NOT_FOUND", GeminiWireJson.FileNotFoundMessage, LlmFailureKind.ModelNotFound)]
    [InlineData(403, "PERMISSION_DENIED", GeminiWireJson.FilePermissionMessage, LlmFailureKind.Authentication)]
    public void Create_SameErrorWithoutFileData_KeepsItsStatusMeaning(int status, string code, string message, LlmFailureKind kind) =>
        Assert.Equal(kind, ClassifyRequest(status, GeminiWireJson.Error(status, code, message), hasFileData: false).Kind);

    [Theory]
    [InlineData(500, "INTERNAL", GeminiWireJson.InputContextTooLongMessage)]
    [InlineData(504, "DEADLINE_EXCEEDED", GeminiWireJson.PromptTooLargeMessage)]
    [InlineData(504, "DEADLINE_EXCEEDED", "The input context is too long for this model.")]
    public void Create_TooLongInputIn500Or504Form_IsContextLengthExceeded(int status, string code, string message)
    {
        var ex = ClassifyRequest(status, GeminiWireJson.Error(status, code, message), hasFileData: false);

        Assert.Equal(LlmFailureKind.ContextLengthExceeded, ex.Kind);
        Assert.Equal(code, ex.ErrorCode);
    }

    [Theory]
    [InlineData(500, "INTERNAL", GeminiWireJson.InternalMessage, LlmFailureKind.ServerError)]
    [InlineData(504, "DEADLINE_EXCEEDED", GeminiWireJson.DeadlineMessage, LlmFailureKind.Timeout)]
    public void Create_500Or504WithoutTheTooLongText_KeepsItsKind(int status, string code, string message, LlmFailureKind kind) =>
        Assert.Equal(kind, ClassifyRequest(status, GeminiWireJson.Error(status, code, message), hasFileData: false).Kind);

    [Fact]
    public void Classify_ArgumentExceptionFromTheAdapter_IsABadRequest()
    {
        Assert.Equal(LlmFailureKind.BadRequest, GeminiErrors.Classify(new ArgumentOutOfRangeException("options"))!.Kind);
        Assert.Null(GeminiErrors.Classify(new IOException()));
        Assert.Throws<ArgumentNullException>(() => GeminiFailureClassifier.Instance.Classify(null!));
    }
}
