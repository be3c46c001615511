namespace LlmFallback.Tests.Pii;

public class ChecksumsTests
{
    [Theory]
    [InlineData("4111111111111111", true)]
    [InlineData("4111111111111112", false)]
    [InlineData("79927398713", true)]
    public void Luhn_KnownNumbers(string digits, bool valid) => Assert.Equal(valid, Checksums.Luhn(digits));

    [Theory]
    [InlineData("GB82WEST12345698765432", true)]
    [InlineData("GB82WEST12345698765433", false)]
    [InlineData("GB82WEST1234569876543!", false)]
    public void Iban_KnownNumbers(string iban, bool valid) => Assert.Equal(valid, Checksums.Iban(iban));

    [Theory]
    [InlineData("021000021", true)]
    [InlineData("021000022", false)]
    [InlineData("02100002", false)]
    public void AbaRouting_KnownNumbers(string digits, bool valid) => Assert.Equal(valid, Checksums.AbaRouting(digits));

    [Theory]
    [InlineData("9434765919", true)]
    [InlineData("9434765918", false)]
    [InlineData("943476591", false)]
    public void NhsNumber_KnownNumbers(string digits, bool valid) => Assert.Equal(valid, Checksums.NhsNumber(digits));

    [Theory]
    [InlineData("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", true)]
    [InlineData("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb", false)]
    [InlineData("1A1zP1eP5QGefi2DMPTfTL5SLmv7Divf0a", false)]
    public void Base58Check_KnownAddresses(string address, bool valid) => Assert.Equal(valid, Checksums.Base58Check(address));

    [Theory]
    [InlineData("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", true)]
    [InlineData("BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", true)]
    [InlineData("bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297", true)]
    [InlineData("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", false)]
    [InlineData("bc1Qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", false)]
    public void Bech32_KnownAddresses(string address, bool valid) => Assert.Equal(valid, Checksums.Bech32(address));
}
