namespace LlmFallback.Gemini.Tests;

public class GeminiNamesTests
{
    [Theory]
    [InlineData("gemini-2.5-flash")]
    [InlineData("models/gemini-2.5-flash")]
    [InlineData("tunedModels/my_model.v2")]
    public void ValidateModel_ValidName_ReturnsNull(string model)
    {
        Assert.Null(GeminiNames.ValidateModel(model));
    }

    [Theory]
    [InlineData(null, "is required, for example gemini-2.5-flash.")]
    [InlineData(" ", "is required, for example gemini-2.5-flash.")]
    [InlineData("gemini?key=x", "must be a Gemini model name such as gemini-2.5-flash or models/gemini-2.5-flash (was 'gemini?key=x').")]
    [InlineData("../admin", "must be a Gemini model name such as gemini-2.5-flash or models/gemini-2.5-flash (was '../admin').")]
    [InlineData("a/b/c", "must be a Gemini model name such as gemini-2.5-flash or models/gemini-2.5-flash (was 'a/b/c').")]
    [InlineData("gemini:generateContent", "must be a Gemini model name such as gemini-2.5-flash or models/gemini-2.5-flash (was 'gemini:generateContent').")]
    public void ValidateModel_InvalidName_ExplainsWhy(string? model, string expected)
    {
        Assert.Equal(expected, GeminiNames.ValidateModel(model));
    }

    [Theory]
    [InlineData("v1beta", null)]
    [InlineData("v1", null)]
    [InlineData("", "is required, for example v1beta.")]
    [InlineData("v1beta/models", "must be one path segment of letters, digits, '.', '-' or '_', for example v1beta (was 'v1beta/models').")]
    [InlineData("..", "must be one path segment of letters, digits, '.', '-' or '_', for example v1beta (was '..').")]
    public void ValidateApiVersion_Value_ReturnsExpected(string version, string? expected)
    {
        Assert.Equal(expected, GeminiNames.ValidateApiVersion(version));
    }
}
