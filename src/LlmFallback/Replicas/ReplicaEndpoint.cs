namespace LlmFallback;

/// <summary>
/// A base address requests are moved from or onto: scheme, host, port and path prefix (without a trailing slash).
/// Userinfo is never kept: it would leak into logs and HTTP clients do not authenticate with it.
/// </summary>
internal sealed class ReplicaEndpoint
{
    private readonly string _scheme;
    private readonly string _host;
    private readonly int _port;
    private readonly string _path;

    public ReplicaEndpoint(Uri address)
    {
        _scheme = address.Scheme;
        _host = address.Host;
        _port = address.Port;
        var path = address.AbsolutePath;
        _path = path.EndsWith('/') ? path[..^1] : path;
        Prefix = address.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped) + _path;
        Address = new Uri(_path.Length == 0 ? Prefix + "/" : Prefix, UriKind.Absolute);
    }

    /// <summary>Gets the address without userinfo, query or trailing slash, such as <c>http://10.0.0.1:8000/v1</c>; log-safe.</summary>
    public string Prefix { get; }

    /// <summary>Gets <see cref="Prefix"/> as a <see cref="Uri"/>, for snapshots.</summary>
    public Uri Address { get; }

    /// <summary>
    /// Tells whether <paramref name="uri"/> lies under this base (same scheme, host and port; the path starts with the
    /// prefix at a segment boundary), and where the rest of its path starts.
    /// </summary>
    public bool TryMatch(Uri uri, out int restStart)
    {
        restStart = 0;
        if (uri.Port != _port
            || !string.Equals(uri.Scheme, _scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.Host, _host, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var path = uri.AbsolutePath;
        if (!path.StartsWith(_path, StringComparison.Ordinal) || (path.Length > _path.Length && path[_path.Length] != '/'))
        {
            return false;
        }

        restStart = _path.Length;
        return true;
    }

    /// <summary>Builds this base plus the rest of <paramref name="uri"/>'s path (from <paramref name="restStart"/>) and its query.</summary>
    public Uri Rewrite(Uri uri, int restStart)
    {
        var text = string.Concat(Prefix.AsSpan(), uri.AbsolutePath.AsSpan(restStart), uri.Query.AsSpan());
        return new Uri(text, UriKind.Absolute);
    }
}
