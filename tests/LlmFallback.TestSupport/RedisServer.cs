using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace LlmFallback.TestSupport;

/// <summary>
/// A real <c>redis-server</c> on 127.0.0.1 and a free port, with no persistence, for integration tests. It can be
/// stopped and started again on the same port to test what happens while Redis is down. <c>.ci/run</c> installs
/// the server; on a machine without it the tests fail with the command to install it, unless
/// <c>LLMFALLBACK_REDIS_OPTIONAL=1</c> is set, which turns them into skips.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly string _executable;
    private readonly string _directory;
    private Process? _process;

    private RedisServer(string executable)
    {
        _executable = executable;
        _directory = Directory.CreateTempSubdirectory("llmfallback-redis-").FullName;
        Port = FreePort();
    }

    /// <summary>Gets the port the server listens on (the same across restarts).</summary>
    public int Port { get; }

    /// <summary>Gets a StackExchange.Redis configuration string for the server.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},abortConnect=false,connectTimeout=2000,syncTimeout=2000";

    /// <summary>Gets a value indicating whether the server process is running.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts a server, or fails (or skips, see the class remarks) when <c>redis-server</c> is not installed.</summary>
    /// <returns>The running server.</returns>
    public static async Task<RedisServer> StartAsync()
    {
        var executable = Find();
        if (executable is null)
        {
            const string message = "redis-server is not installed: run 'apt-get install -y redis-server' (as .ci/run does).";
            if (Environment.GetEnvironmentVariable("LLMFALLBACK_REDIS_OPTIONAL") == "1")
            {
                Assert.Skip(message);
            }

            throw new InvalidOperationException(message);
        }

        var server = new RedisServer(executable);
        await server.RestartAsync().ConfigureAwait(false);
        return server;
    }

    /// <summary>Starts the server again after <see cref="StopAsync"/>, on the same port, empty.</summary>
    /// <returns>A task that completes when the server accepts connections.</returns>
    public async Task RestartAsync()
    {
        if (IsRunning)
        {
            return;
        }

        var info = new ProcessStartInfo(_executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _directory,
        };
        foreach (var arg in new[] { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no", "--dir", _directory, "--loglevel", "notice" })
        {
            info.ArgumentList.Add(arg);
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data?.Contains("Ready to accept connections", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException($"redis-server exited with code {process.ExitCode} before it was ready."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        await ready.Task.WaitAsync(StartTimeout).ConfigureAwait(false);
    }

    /// <summary>Stops the server (as a crash or an outage would), keeping the port for <see cref="RestartAsync"/>.</summary>
    /// <returns>A task that completes when the process has exited.</returns>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync().WaitAsync(StartTimeout).ConfigureAwait(false);
        process.Dispose();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string? Find()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "redis-server");
            if (dir.Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
