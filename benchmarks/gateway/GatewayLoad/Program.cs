// gateway-load upstream <port>
//   A fake OpenAI Chat Completions server on 127.0.0.1: a fixed chat.completion for every POST .../chat/completions.
// gateway-load run <url> <rate> <seconds> [<bearer key>]
//   Sends POSTs at a fixed rate (open loop) for the given time after a 5 s warm-up at the same rate; prints one line:
//   "rate=<asked> achieved=<rps> ok=<n> errors=<n> p50=<ms> p90=<ms> p99=<ms> max=<ms>".
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

return args switch
{
    ["upstream", var port] => await Upstream.RunAsync(int.Parse(port, CultureInfo.InvariantCulture)),
    ["run", var url, var rate, var seconds, .. var rest] => await Load.RunAsync(new Uri(url), int.Parse(rate, CultureInfo.InvariantCulture), int.Parse(seconds, CultureInfo.InvariantCulture), rest.Length > 0 ? rest[0] : null),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: GatewayLoad upstream <port> | GatewayLoad run <url> <rate> <seconds> [<bearer key>]");
    return 2;
}

internal static class Upstream
{
    private static readonly byte[] Completion = Encoding.UTF8.GetBytes(
        """{"id":"chatcmpl-bench","object":"chat.completion","created":1767225600,"model":"bench-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the loopback upstream."},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}""");

    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", static async context =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = Completion.Length;
            await context.Response.Body.WriteAsync(Completion, context.RequestAborted);
        });
        await app.RunAsync();
        return 0;
    }
}

internal static class Load
{
    private const string Body = """{"model":"fast","messages":[{"role":"system","content":"Be terse."},{"role":"user","content":"Say hello in one short sentence."}],"max_tokens":32}""";

    public static async Task<int> RunAsync(Uri url, int rate, int seconds, string? key)
    {
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseProxy = false };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        await SendAsync(client, url, rate, 5, null);
        var latencies = new List<double>(rate * seconds);
        var started = Stopwatch.GetTimestamp();
        var (ok, errors) = await SendAsync(client, url, rate, seconds, latencies);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        latencies.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"rate={rate} achieved={ok / elapsed:F0} ok={ok} errors={errors} p50={At(latencies, 0.50):F2} p90={At(latencies, 0.90):F2} p99={At(latencies, 0.99):F2} max={At(latencies, 1):F2}"));
        return 0;
    }

    /// <summary>Starts request i at start + i/rate whatever the earlier ones are doing; latency counts from that moment.</summary>
    private static async Task<(int Ok, int Errors)> SendAsync(HttpClient client, Uri url, int rate, int seconds, List<double>? latencies)
    {
        var total = rate * seconds;
        var tasks = new List<Task<double>>(total);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)(i * (double)Stopwatch.Frequency / rate);
            while (Stopwatch.GetTimestamp() < due)
            {
                var ahead = (due - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
                if (ahead > 2)
                {
                    await Task.Delay(1);
                }
                else
                {
                    Thread.SpinWait(50);
                }
            }

            tasks.Add(OneAsync(client, url, due));
        }

        var ok = 0;
        var errors = 0;
        foreach (var task in tasks)
        {
            var ms = await task;
            if (ms < 0)
            {
                errors++;
            }
            else
            {
                ok++;
                latencies?.Add(ms);
            }
        }

        return (ok, errors);
    }

    private static async Task<double> OneAsync(HttpClient client, Uri url, long due)
    {
        await Task.Yield();
        try
        {
            using var content = new StringContent(Body, Encoding.UTF8, "application/json");
            using var response = await client.PostAsync(url, content);
            await response.Content.CopyToAsync(Stream.Null);
            return response.IsSuccessStatusCode ? Stopwatch.GetElapsedTime(due).TotalMilliseconds : -1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return -1;
        }
    }

    private static double At(List<double> sorted, double q) => sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1 < 0 ? 0 : (int)Math.Ceiling(q * sorted.Count) - 1)];
}
