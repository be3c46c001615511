// LlmFallback console sample. Without any provider key it plays an offline tour over SIMULATED providers (every stage
// of the pipeline is real); with OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY or LLM_LOCAL_URL set it chats with
// the real providers, in the order of Llm:Fallback:Chain in appsettings.json. See CommandLine.Usage.
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var command = CommandLine.Parse(args);
if (command.Help)
{
    Console.WriteLine(CommandLine.Usage);
    return 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

// Content root = the output folder, so appsettings.json is found whatever the working directory.
var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = command.HostArgs, ContentRootPath = AppContext.BaseDirectory });
var real = command.Demo ? [] : RealProviders.Available(builder.Configuration);
var answered = true;
try
{
    if (real.Count > 0)
    {
        using var host = RealProviders.Build(builder, real);
        await host.StartAsync(stop.Token);              // options are validated here, with messages naming the key
        Console.WriteLine($"Real providers, in fallback order: {string.Join(" -> ", real)}");
        answered = await ChatLoop.RunAsync(host.Services.GetRequiredService<IChatClient>(), command.Prompt, simulated: false, stop.Token);
        await host.StopAsync(CancellationToken.None);
    }
    else
    {
        using var host = Tour.Build(builder, out var providers);
        await host.StartAsync(stop.Token);
        if (command.Prompt is null)
        {
            await Tour.RunAsync(host, providers, stop.Token);
        }

        // After the tour, chat with the simulated providers when someone is at the keyboard (never in CI).
        if (command.Prompt is not null || !Console.IsInputRedirected)
        {
            Tour.CannedAnswers(providers);
            answered = await ChatLoop.RunAsync(host.Services.GetRequiredService<IChatClient>(), command.Prompt, simulated: true, stop.Token);
        }

        await host.StopAsync(CancellationToken.None);
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.WriteLine();
    Console.WriteLine("Stopped.");
}

return answered ? 0 : 1;
