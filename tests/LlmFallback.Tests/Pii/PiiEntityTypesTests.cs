namespace LlmFallback.Tests.Pii;

public class PiiEntityTypesTests
{
    [Theory]
    [InlineData("Email", "EMAIL")]
    [InlineData("CreditCard", "CREDIT_CARD")]
    [InlineData("UsSsn", "US_SSN")]
    [InlineData("DateOfBirth", "DATE_OF_BIRTH")]
    [InlineData("ABCDef", "ABC_DEF")]
    [InlineData("employee-id", "EMPLOYEE_ID")]
    public void Label_EntityType_IsUpperSnakeCase(string type, string label) => Assert.Equal(label, PiiEntityTypes.Label(type));

    [Fact]
    public void Label_Null_Throws() => Assert.Throws<ArgumentNullException>(() => PiiEntityTypes.Label(null!));

    [Fact]
    public void All_HoldsEveryBuiltInTypeOnce() => Assert.Equal(16, PiiEntityTypes.All.Distinct().Count());
}
