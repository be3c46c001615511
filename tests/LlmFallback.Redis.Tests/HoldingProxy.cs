using System.Net;
using System.Net.Sockets;

namespace LlmFallback.Redis.Tests;

/// <summary>
/// A loopback TCP proxy to a real server that accepts connections at once but forwards nothing until
/// <c>letThrough</c> completes: a connection handshake held for as long as a test needs, with no timer.
/// </summary>
internal sealed class HoldingProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _accepted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Socket> _sockets = [];
    private Task _loop = Task.CompletedTask;

    private HoldingProxy()
    {
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Gets a task that completes when the first connection is accepted.</summary>
    public Task Accepted => _accepted.Task;

    public static HoldingProxy Start(int serverPort, Task letThrough)
    {
        var proxy = new HoldingProxy();
        proxy._listener.Start();
        proxy._loop = proxy.AcceptAsync(serverPort, letThrough);
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_sockets)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        try
        {
            await _loop;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(int serverPort, Task letThrough)
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptSocketAsync(_stop.Token);
            Track(client);
            _accepted.TrySetResult();
            _ = ForwardAsync(client, serverPort, letThrough);
        }
    }

    private async Task ForwardAsync(Socket client, int serverPort, Task letThrough)
    {
        try
        {
            await letThrough.WaitAsync(_stop.Token);
            var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            Track(server);
            await server.ConnectAsync(IPAddress.Loopback, serverPort, _stop.Token);
            await using var fromClient = new NetworkStream(client, ownsSocket: false);
            await using var toServer = new NetworkStream(server, ownsSocket: false);
            await Task.WhenAny(fromClient.CopyToAsync(toServer, _stop.Token), toServer.CopyToAsync(fromClient, _stop.Token));
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    private void Track(Socket socket)
    {
        lock (_sockets)
        {
            _sockets.Add(socket);
        }
    }
}
