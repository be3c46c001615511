namespace LlmFallback.Samples.Gateway.Auth;

/// <summary><c>dotnet run -- new-key &lt;id&gt;</c>: makes a key, prints it once, and prints the hash to put in configuration.</summary>
internal static class NewKeyCommand
{
    public static int Run(string id, TextWriter output)
    {
        if (!ApiKeyHasher.IsValidId(id))
        {
            output.WriteLine($"'{id}' is not a valid key id: use 1 to 64 letters, digits or '-'.");
            return 2;
        }

        var key = ApiKeyHasher.NewKey(id);
        output.WriteLine("API key (shown once; give it to the client, store it nowhere else):");
        output.WriteLine($"  {key}");
        output.WriteLine();
        output.WriteLine("Configuration (the hash only; appsettings.json, or the environment variable below):");
        output.WriteLine($"  \"Gateway\": {{ \"ApiKeys\": {{ \"{id}\": {{ \"Hash\": \"{ApiKeyHasher.Hash(key)}\" }} }} }}");
        output.WriteLine($"  Gateway__ApiKeys__{id}__Hash={ApiKeyHasher.Hash(key)}");
        return 0;
    }
}
