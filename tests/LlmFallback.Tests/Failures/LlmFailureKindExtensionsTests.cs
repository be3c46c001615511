namespace LlmFallback.Tests.Failures;

public class LlmFailureKindExtensionsTests
{
    [Fact]
    public void ToSnakeCaseName_EveryKind_HasItsOwnSnakeCaseName()
    {
        var names = Enum.GetValues<LlmFailureKind>().Select(k => k.ToSnakeCaseName()).ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches("^[a-z]+(_[a-z]+)*$", n));
        Assert.DoesNotContain("unknown", names);
        Assert.Equal("context_length_exceeded", LlmFailureKind.ContextLengthExceeded.ToSnakeCaseName());
    }

    [Fact]
    public void ToSnakeCaseName_UndefinedValue_IsUnknown() =>
        Assert.Equal("unknown", ((LlmFailureKind)250).ToSnakeCaseName());
}
