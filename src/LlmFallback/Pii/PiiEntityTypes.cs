namespace LlmFallback;

/// <summary>
/// The entity types the built-in recognizers report. Names are the keys of <see cref="PiiRedactionOptions.Actions"/>
/// (<c>Llm:Pii:Actions:CreditCard</c>); placeholders use the upper-case form (<c>[CREDIT_CARD]</c>, <c>&lt;EMAIL_1&gt;</c>).
/// </summary>
public static class PiiEntityTypes
{
    /// <summary>An email address.</summary>
    public const string Email = "Email";

    /// <summary>A phone number: E.164 (<c>+44 20 7946 0958</c>), North American and trunk-prefixed national formats.</summary>
    public const string Phone = "Phone";

    /// <summary>A payment card number: Luhn checksum and a known issuer (IIN) range.</summary>
    public const string CreditCard = "CreditCard";

    /// <summary>An IBAN: the country's length and the mod-97 checksum.</summary>
    public const string Iban = "Iban";

    /// <summary>A US Social Security number outside the ranges never issued.</summary>
    public const string UsSsn = "UsSsn";

    /// <summary>A US Individual Taxpayer Identification Number.</summary>
    public const string UsItin = "UsItin";

    /// <summary>An IPv4 or IPv6 address.</summary>
    public const string IpAddress = "IpAddress";

    /// <summary>A URL with a scheme (<c>https://</c>) or starting with <c>www.</c>.</summary>
    public const string Url = "Url";

    /// <summary>A Bitcoin (base58check or bech32 checksum) or Ethereum address.</summary>
    public const string CryptoWallet = "CryptoWallet";

    /// <summary>A date near words such as "born" or "date of birth".</summary>
    public const string DateOfBirth = "DateOfBirth";

    /// <summary>A US passport number near the word "passport".</summary>
    public const string UsPassport = "UsPassport";

    /// <summary>A US driver's licence number near words such as "driver's license".</summary>
    public const string UsDriverLicense = "UsDriverLicense";

    /// <summary>A US bank account number near words such as "account number".</summary>
    public const string UsBankAccount = "UsBankAccount";

    /// <summary>An ABA routing number (3-7-1 checksum), reported near words such as "routing".</summary>
    public const string AbaRouting = "AbaRouting";

    /// <summary>A UK NHS number (mod-11 checksum), reported near words such as "NHS".</summary>
    public const string UkNhs = "UkNhs";

    /// <summary>An API key or secret: well-known prefixes, JWTs, and high-entropy tokens near words such as "key" or "secret".</summary>
    public const string Secret = "Secret";

    /// <summary>A value from <see cref="PiiDetectorOptions.DenyList"/>.</summary>
    public const string DenyListed = "DenyListed";

    /// <summary>Gets every built-in type, in a stable order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Email, Phone, CreditCard, Iban, UsSsn, UsItin, IpAddress, Url, CryptoWallet, DateOfBirth, UsPassport, UsDriverLicense, UsBankAccount, AbaRouting, UkNhs, Secret];

    /// <summary>Gets the placeholder label of a type: <c>CreditCard</c> becomes <c>CREDIT_CARD</c>.</summary>
    /// <param name="entityType">The entity type.</param>
    /// <returns>The label.</returns>
    public static string Label(string entityType)
    {
        ArgumentException.ThrowIfNullOrEmpty(entityType);
        var builder = new System.Text.StringBuilder(entityType.Length + 4);
        for (var i = 0; i < entityType.Length; i++)
        {
            var c = entityType[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(entityType[i - 1]) || (i + 1 < entityType.Length && char.IsLower(entityType[i + 1]) && char.IsUpper(entityType[i - 1]))))
            {
                builder.Append('_');
            }

            builder.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return builder.ToString();
    }
}
