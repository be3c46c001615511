// An OpenAI-compatible gateway over the LlmFallback pipeline: any OpenAI client, in any language, gets fallback
// across providers, caching, PII protection, moderation, limits and cost metering by pointing its base URL here.
// See README.md. `dotnet run -- new-key <id>` makes an API key and prints the hash to configure.
using LlmFallback.Samples.Gateway.Auth;
using LlmFallback.Samples.Gateway.Hosting;

if (args is ["new-key", var id, ..])
{
    return NewKeyCommand.Run(id, Console.Out);
}

var app = GatewayApp.Build(args);
await app.RunAsync();
return 0;
