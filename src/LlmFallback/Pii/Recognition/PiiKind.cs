namespace LlmFallback;

/// <summary>The built-in recognizers, as bits of an enabled-set mask; names in <see cref="PiiEntityTypes.All"/> order.</summary>
internal enum PiiKind
{
    Email,
    Phone,
    CreditCard,
    Iban,
    UsSsn,
    UsItin,
    IpAddress,
    Url,
    CryptoWallet,
    DateOfBirth,
    UsPassport,
    UsDriverLicense,
    UsBankAccount,
    AbaRouting,
    UkNhs,
    Secret,
}

/// <summary>The settings one scan runs with, and where it puts what it finds.</summary>
internal ref struct ScanState
{
    public ScanState(ReadOnlySpan<char> text, int enabled, double minScore)
    {
        Text = text;
        Enabled = enabled;
        MinScore = minScore;
    }

    public ReadOnlySpan<char> Text { get; }

    public int Enabled { get; }

    public double MinScore { get; }

    public List<PiiMatch>? Matches { get; private set; }

    public readonly bool IsEnabled(PiiKind kind) => (Enabled & (1 << (int)kind)) != 0;

    /// <summary>Reports a candidate if its type is enabled and its score reaches the threshold.</summary>
    public bool Report(PiiKind kind, int start, int end, double score)
    {
        // A candidate that reaches back into the last value (an address's local part, a written date's month) is
        // part of it: matches stay ordered and apart.
        if (!IsEnabled(kind) || score < MinScore || end <= start || (Matches is { Count: > 0 } found && start < found[^1].End))
        {
            return false;
        }

        (Matches ??= []).Add(new PiiMatch(PiiEntityTypes.All[(int)kind], start, end - start, Math.Min(score, 1.0)));
        return true;
    }
}
