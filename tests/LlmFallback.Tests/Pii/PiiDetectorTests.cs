namespace LlmFallback.Tests.Pii;

public class PiiDetectorTests
{
    private static readonly PiiDetector Detector = new();

    [Theory]
    [InlineData("john@example.com", "Email")]
    [InlineData("4111 1111 1111 1111", "CreditCard")]
    [InlineData("+44 20 7946 0958", "Phone")]
    [InlineData("192.168.1.1", "IpAddress")]
    [InlineData("DE89 3704 0044 0532 0130 00", "Iban")]
    [InlineData("AKIAIOSFODNN7EXAMPLE", "Secret")]
    public void Detect_ValueIsTheWholeText_FindsItAtBothBoundaries(string value, string type)
    {
        var match = Assert.Single(Detector.Detect(value));

        Assert.Equal(type, match.EntityType);
        Assert.Equal(0, match.Start);
        Assert.Equal(value.Length, match.Length);
    }

    [Theory]
    [InlineData("(john@example.com)", "john@example.com")]
    [InlineData("\"4111111111111111\",", "4111111111111111")]
    [InlineData("ip=10.0.0.1;", "10.0.0.1")]
    [InlineData("see <https://example.com/a>.", "https://example.com/a")]
    [InlineData("Email: john@example.com!", "john@example.com")]
    public void Detect_ValueInPunctuation_ReportsOnlyTheValue(string text, string value)
    {
        var match = Assert.Single(Detector.Detect(text));

        Assert.Equal(value, text.Substring(match.Start, match.Length));
    }

    [Theory]
    [InlineData("card:4111 1111 1111 1111", "4111 1111 1111 1111", "CreditCard")]
    [InlineData("card_number:4111111111111111", "4111111111111111", "CreditCard")]
    [InlineData("Card no.4111-1111-1111-1111", "4111-1111-1111-1111", "CreditCard")]
    [InlineData("card#5555555555554444", "5555555555554444", "CreditCard")]
    [InlineData("IBAN:DE89 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130 00", "Iban")]
    [InlineData("IBAN:GB29NWBK60161331926819", "GB29NWBK60161331926819", "Iban")]
    [InlineData("<a href=\"tel:+1-415-555-2671\">", "+1-415-555-2671", "Phone")]
    [InlineData("phone:+44 20 7946 0958", "+44 20 7946 0958", "Phone")]
    [InlineData("Tel.+49 30 12345678", "+49 30 12345678", "Phone")]
    [InlineData("ssn:123-45-6789", "123-45-6789", "UsSsn")]
    public void Detect_ValueGluedToItsLabel_FindsTheValue(string text, string value, string type)
    {
        // A label glued to the value by ':', '.' or '#' (forms, logs, tel: links) made the token unrecognisable.
        var match = Assert.Single(Detector.Detect(text));

        Assert.Equal((type, value), (match.EntityType, text.Substring(match.Start, match.Length)));
    }

    [Theory]
    [InlineData("call 0044 20 7946 0958", "0044 20 7946 0958")]
    [InlineData("call 0049 30 12345678", "0049 30 12345678")]
    [InlineData("call 00353 1 234 5678", "00353 1 234 5678")]
    [InlineData("call 001 415 555 2671", "001 415 555 2671")]
    public void Detect_InternationalPrefix00_IsAPhoneLikePlus(string text, string value)
    {
        // 00 is the international call prefix across Europe, written where E.164 writes '+'.
        var match = Assert.Single(Detector.Detect(text));

        Assert.Equal(("Phone", value), (match.EntityType, text.Substring(match.Start, match.Length)));
    }

    [Theory]
    [InlineData("Zoë wrote from zoe@example.com 📧 yesterday", "zoe@example.com")]
    [InlineData("📞+44 20 7946 0958", "+44 20 7946 0958")]
    [InlineData("カード 4111111111111111 です", "4111111111111111")]
    public void Detect_UnicodeAround_FindsTheAsciiValue(string text, string value)
    {
        var match = Assert.Single(Detector.Detect(text));

        Assert.Equal(value, text.Substring(match.Start, match.Length));
    }

    [Theory]
    [InlineData("Card ４１１１ １１１１ １１１１ １１１１ in full-width digits")]
    [InlineData("Arabic-Indic ٤١١١١١١١١١١١١١١١ digits")]
    [InlineData("An address with non-ASCII domain zoë@exämple.com")]
    public void Detect_NonAsciiDigitsOrDomains_AreNotRecognised(string text)
    {
        Assert.DoesNotContain(Detector.Detect(text), m => m.EntityType is "CreditCard" or "Email");
    }

    [Fact]
    public void Detect_SeveralValues_AreOrderedAndDoNotOverlap()
    {
        var text = "Mail a@example.com or call +1 415 555 2671, card 5555555555554444, from 10.1.2.3.";

        var matches = Detector.Detect(text);

        Assert.Equal(["Email", "Phone", "CreditCard", "IpAddress"], matches.Select(m => m.EntityType));
        for (var i = 1; i < matches.Count; i++)
        {
            Assert.True(matches[i].Start >= matches[i - 1].End);
        }
    }

    [Fact]
    public void Detect_NothingFound_AllocatesNothing()
    {
        var text = string.Concat(Enumerable.Repeat("The quick brown fox jumps over the lazy dog in 2024. See www page: notes. ", 50));
        Detector.Detect(text);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var matches = Detector.Detect(text);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Empty(matches);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Detect_HugeTokenWithoutSpaces_CompletesAndFindsTheValueAfterIt()
    {
        var text = new string('a', 200_000) + "1" + new string('b', 200_000) + " john@example.com";

        var match = Assert.Single(Detector.Detect(text));

        Assert.Equal("Email", match.EntityType);
    }

    [Fact]
    public void Detect_EntitiesFilter_ReportsOnlyThoseTypes()
    {
        var detector = new PiiDetector(new PiiDetectorOptions { Entities = ["Email"] });

        var match = Assert.Single(detector.Detect("a@example.com 4111111111111111"));

        Assert.Equal("Email", match.EntityType);
    }

    [Fact]
    public void Detect_ContextWord_RaisesTheScoreOverTheThreshold()
    {
        Assert.Empty(Detector.Detect("Batch 021000021 was processed."));

        var match = Assert.Single(Detector.Detect("Routing number 021000021."));
        Assert.Equal("AbaRouting", match.EntityType);
        Assert.True(match.Score >= 0.85);
    }

    [Fact]
    public void Detect_LowerMinScore_ReportsContextFreeCandidates()
    {
        var detector = new PiiDetector(new PiiDetectorOptions { MinScore = 0.3 });

        Assert.Contains(detector.Detect("Batch 021000021 was processed."), m => m.EntityType == "AbaRouting");
    }

    [Fact]
    public void Detect_DenyList_ReportsWholeWordsCaseInsensitively()
    {
        var detector = new PiiDetector(new PiiDetectorOptions { DenyList = ["Project Falcon", "acme-internal"] });

        var matches = detector.Detect("About project falcon and ACME-INTERNAL, not falconry or xacme-internal.");

        Assert.Equal(["project falcon", "ACME-INTERNAL"], matches.Select(m => "About project falcon and ACME-INTERNAL, not falconry or xacme-internal.".Substring(m.Start, m.Length)));
        Assert.All(matches, m => Assert.Equal(PiiEntityTypes.DenyListed, m.EntityType));
    }

    [Fact]
    public void Detect_UserPattern_ReportsItsTypeAndResolvesOverlaps()
    {
        var detector = new PiiDetector(new PiiDetectorOptions { Patterns = [new PiiPatternOptions { EntityType = "EmployeeId", Pattern = @"\bEMP-\d{6}\b", Score = 0.95 }] });

        var matches = detector.Detect("Badge EMP-123456 and mail a@example.com");

        Assert.Equal(["EmployeeId", "Email"], matches.Select(m => m.EntityType));
    }

    [Fact]
    public void Constructor_InvalidOptions_NamesEveryKey()
    {
        var options = new PiiDetectorOptions
        {
            MinScore = 2,
            Entities = ["Email", "Nope"],
            DenyList = [" "],
            Patterns = [new PiiPatternOptions { EntityType = "Bad Name", Pattern = "x" }, new PiiPatternOptions { EntityType = "Ok", Pattern = "(a)\\1", Score = 0 }],
        };

        var ex = Assert.Throws<ArgumentException>(() => new PiiDetector(options));

        Assert.StartsWith(
            "Llm:Pii:Detection:MinScore must be between 0 and 1 (was 2). Llm:Pii:Detection:Entities:1 has an unknown type 'Nope'; expected one of: Email, Phone, CreditCard, Iban, UsSsn, UsItin, IpAddress, Url, CryptoWallet, DateOfBirth, UsPassport, UsDriverLicense, UsBankAccount, AbaRouting, UkNhs, Secret. Llm:Pii:Detection:DenyList:0 must not be empty. Llm:Pii:Detection:Patterns:0:EntityType must be a name of letters and digits. Llm:Pii:Detection:Patterns:1:Pattern is not a pattern the linear-time engine accepts: ",
            ex.Message,
            StringComparison.Ordinal);
        Assert.Contains("Llm:Pii:Detection:Patterns:1:Score must be greater than 0 and at most 1 (was 0).", ex.Message, StringComparison.Ordinal);
        Assert.Equal("options", ex.ParamName);
    }

    [Fact]
    public void Options_Defaults_AreDocumentedValues()
    {
        var options = new PiiDetectorOptions();

        Assert.Equal(0.5, options.MinScore);
        Assert.Empty(options.Entities);
        Assert.Empty(options.DenyList);
        Assert.Empty(options.Patterns);
        Assert.Equal(0.9, new PiiPatternOptions().Score);
    }

    [Fact]
    public void ContainsPii_Text_SaysWhetherDetectFindsSomething()
    {
        Assert.True(Detector.ContainsPii("a@example.com"));
        Assert.False(Detector.ContainsPii("nothing here"));
    }
}
