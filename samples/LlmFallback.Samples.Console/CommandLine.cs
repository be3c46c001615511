/// <summary>What the sample was asked to do.</summary>
/// <param name="Demo">Run the simulated tour, even when provider keys are set.</param>
/// <param name="Prompt">Answer this one prompt and exit.</param>
/// <param name="Help">Print usage and exit.</param>
/// <param name="HostArgs">Everything else, left to the host's configuration (for example <c>--Llm:Fallback:Chain:0=local</c>).</param>
internal sealed record CommandLine(bool Demo, string? Prompt, bool Help, string[] HostArgs)
{
    public const string Usage = """
        LlmFallback console sample

          dotnet run --project samples/LlmFallback.Samples.Console                      chat, or the offline tour without keys
          dotnet run --project samples/LlmFallback.Samples.Console -- --prompt "..."    answer one prompt and exit
          dotnet run --project samples/LlmFallback.Samples.Console -- --demo            the offline tour, even with keys set

        Real providers are used when any of OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY (or GOOGLE_API_KEY) or
        LLM_LOCAL_URL (an OpenAI-compatible server such as http://localhost:11434/v1, model from LLM_LOCAL_MODEL) is set,
        in the fallback order of Llm:Fallback:Chain in appsettings.json. Without any, providers are simulated.
        When standard input is not a terminal, the tour runs without waiting for input.
        """;

    public static CommandLine Parse(string[] args)
    {
        var demo = false;
        var help = false;
        string? prompt = null;
        var hostArgs = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--demo":
                    demo = true;
                    break;
                case "--prompt" or "-p" when i + 1 < args.Length:
                    prompt = args[++i];
                    break;
                case "--help" or "-h" or "-?":
                    help = true;
                    break;
                default:
                    hostArgs.Add(args[i]);
                    break;
            }
        }

        return new CommandLine(demo, prompt, help, [.. hostArgs]);
    }
}
