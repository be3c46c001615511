using LlmFallback;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LlmFallback.Readme.Tests;

/// <summary>
/// The README's "Use it" <c>Program.cs</c>, compiled here as a method body: <see cref="ReadmeUseItTests"/> checks that the
/// README holds exactly the text between the markers (and exactly these using lines), so the snippet a newcomer pastes
/// is code that builds against the packages it names.
/// </summary>
internal static class UseItExample
{
    public static async Task RunAsync(string[] args)
    {
        // README:begin
        var builder = Host.CreateApplicationBuilder(args);
        var llm = builder.Configuration.GetSection("Llm");
        builder.Services.AddLlmProviders(llm).AddOpenAI();      // provider types the configuration may name
        builder.Services.AddLlmFallbackDefaults(llm);           // validation, PII, cache, metering... as configured
        builder.Services.AddFallbackChatClient().UseLlmFallbackDefaults();

        using var host = builder.Build();
        await host.StartAsync();                                // every option is validated here, naming the key at fault
        var chat = host.Services.GetRequiredService<IChatClient>();

        await foreach (var update in chat.GetStreamingResponseAsync("What is Python? One sentence."))
        {
            Console.Write(update.Text);
        }

        var response = await chat.GetResponseAsync("Write to jane@example.com: the build is green.", new ChatOptions().WithUser("user-42"));
        Console.WriteLine();
        Console.WriteLine(response.Text);                       // the address went out as <EMAIL_1> and is restored here
        var info = response.GetLlmCallInfo()!;                  // who answered, attempts, fallback reason, cache hit, cost
        Console.WriteLine($"{info} after {info.AttemptCount} attempt(s); cache hit: {info.CacheHit}; tokens: {info.InputTokenCount} in, {info.OutputTokenCount} out");
        await host.StopAsync();
        // README:end
    }
}
