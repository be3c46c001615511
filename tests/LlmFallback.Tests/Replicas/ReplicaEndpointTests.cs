namespace LlmFallback.Tests.Replicas;

public class ReplicaEndpointTests
{
    [Theory]
    [InlineData("http://localhost:8000/v1", "http://10.0.0.1:9000/pool/a/v1", "http://localhost:8000/v1/chat/completions?x=1&y=%20z", "http://10.0.0.1:9000/pool/a/v1/chat/completions?x=1&y=%20z")]
    [InlineData("http://localhost:8000/v1/", "http://10.0.0.1:9000/v2/", "http://localhost:8000/v1/chat/completions", "http://10.0.0.1:9000/v2/chat/completions")]
    [InlineData("http://localhost:8000", "http://10.0.0.1:9000/prefix", "http://localhost:8000/v1/models", "http://10.0.0.1:9000/prefix/v1/models")]
    [InlineData("http://localhost:8000/v1", "http://10.0.0.1:9000", "http://localhost:8000/v1/models", "http://10.0.0.1:9000/models")]
    [InlineData("http://localhost:8000/v1", "https://replica.internal/v1", "http://localhost:8000/v1", "https://replica.internal/v1")]
    [InlineData("http://localhost:8000/v1", "http://10.0.0.1:9000/v1", "http://localhost:8000/v1?stream=true", "http://10.0.0.1:9000/v1?stream=true")]
    [InlineData("http://LOCALHOST:8000/v1", "http://[::1]:9000/v1", "http://localhost:8000/v1/a/b/?q=%2F", "http://[::1]:9000/v1/a/b/?q=%2F")]
    [InlineData("http://localhost/v1", "http://10.0.0.1:8080/v1", "http://localhost:80/v1/x", "http://10.0.0.1:8080/v1/x")]
    public void Rewrite_RequestUnderBase_MovesRestOfPathAndQueryOntoReplica(string baseAddress, string replica, string request, string expected)
    {
        var from = new ReplicaEndpoint(new Uri(baseAddress));
        var to = new ReplicaEndpoint(new Uri(replica));

        Assert.True(from.TryMatch(new Uri(request), out var rest));
        var rewritten = to.Rewrite(new Uri(request), rest);

        Assert.Equal(new Uri(expected), rewritten);
        Assert.Equal(expected, rewritten.AbsoluteUri);
    }

    [Theory]
    [InlineData("http://localhost:8000/v1", "http://localhost:8000/v10/chat")]
    [InlineData("http://localhost:8000/v1", "http://localhost:8001/v1/chat")]
    [InlineData("http://localhost:8000/v1", "https://localhost:8000/v1/chat")]
    [InlineData("http://localhost:8000/v1", "http://otherhost:8000/v1/chat")]
    [InlineData("http://localhost:8000/v1", "http://localhost:8000/V1/chat")]
    [InlineData("http://localhost:8000/v1/chat", "http://localhost:8000/v1")]
    public void TryMatch_RequestOutsideBase_ReturnsFalse(string baseAddress, string request)
    {
        Assert.False(new ReplicaEndpoint(new Uri(baseAddress)).TryMatch(new Uri(request), out _));
    }

    [Fact]
    public void Constructor_UserInfo_IsDroppedFromPrefixAndAddress()
    {
        var endpoint = new ReplicaEndpoint(new Uri("http://admin:s3cret@10.0.0.1:8000/v1/"));

        Assert.Equal("http://10.0.0.1:8000/v1", endpoint.Prefix);
        Assert.Equal("http://10.0.0.1:8000/v1", endpoint.Address.AbsoluteUri);
        Assert.DoesNotContain("s3cret", endpoint.Rewrite(new Uri("http://localhost/v1/chat"), 3).AbsoluteUri, StringComparison.Ordinal);
    }

    [Fact]
    public void Address_RootPath_EndsWithSlash()
    {
        Assert.Equal("http://10.0.0.1:8000/", new ReplicaEndpoint(new Uri("http://10.0.0.1:8000")).Address.AbsoluteUri);
    }

    [Fact]
    public void TryMatch_RepeatedOnOneRequest_AllocatesNothing()
    {
        var endpoint = new ReplicaEndpoint(new Uri("http://localhost:8000/v1"));
        var request = new Uri("http://localhost:8000/v1/chat/completions?x=1");
        Assert.True(endpoint.TryMatch(request, out _));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            endpoint.TryMatch(request, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
