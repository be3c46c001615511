namespace LlmFallback.Tests.Metering;

/// <summary>
/// Tests that assert exact counts on instruments whose tags cannot be made unique per test run alone, after the
/// parallel tests, so no other test adds to the same points.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MeterCollection
{
    public const string Name = "LlmFallback meter, exclusive";
}
