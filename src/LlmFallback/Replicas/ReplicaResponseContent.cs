using System.Net;
using System.Runtime.CompilerServices;

namespace LlmFallback;

/// <summary>
/// Wraps a replica's response body so the replica stays counted in flight until the body is over: read to its end,
/// failed, disposed, or cancelled. Releases exactly once. A transport failure mid-body counts against the replica; so
/// does an early end that the attempt's own deadline caused (<see cref="LlmAttemptContext.TimedOut"/>); any other early
/// end (the caller cancelled, stopped reading, or there is no attempt context) says nothing about the replica.
/// </summary>
/// <remarks>
/// The request's token is watched, and so is the attempt's (<see cref="LlmAttemptContext.Token"/>) when the body was
/// received inside an attempt: <see cref="HttpClient"/> links the request's token into a source it disposes once the
/// headers have arrived, so with <see cref="HttpCompletionOption.ResponseHeadersRead"/> only the attempt's token still
/// reports a cancellation. Without an attempt context such a cancellation releases the replica at the next read of the
/// body (which fails with it) or when the response is disposed.
/// </remarks>
internal sealed class ReplicaResponseContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly ReplicaPool _pool;
    private readonly ReplicaPick _pick;
    private readonly LlmAttemptContext? _attempt;
    private readonly CancellationTokenRegistration _cancellation;
    private readonly CancellationTokenRegistration _attemptCancellation;
    private int _finished;

    public ReplicaResponseContent(HttpContent inner, ReplicaPool pool, ReplicaPick pick, CancellationToken cancellationToken)
    {
        _inner = inner;
        _pool = pool;
        _pick = pick;
        _attempt = LlmAttemptContext.Current;
        foreach (var header in inner.Headers.NonValidated)
        {
            var values = header.Value;
            if (values.Count == 1)
            {
                Headers.TryAddWithoutValidation(header.Key, values.ToString());
            }
            else
            {
                Headers.TryAddWithoutValidation(header.Key, values);
            }
        }

        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static s => ((ReplicaResponseContent)s!).Finish(null, cancelled: true, CancellationToken.None), this);
        }

        if (_attempt is { Token: { CanBeCanceled: true } attemptToken } && attemptToken != cancellationToken)
        {
            _attemptCancellation = attemptToken.UnsafeRegister(static s => ((ReplicaResponseContent)s!).Finish(null, cancelled: true, CancellationToken.None), this);
        }
    }

    /// <summary>Gets a value indicating whether the replica has been released.</summary>
    internal bool IsFinished => Volatile.Read(ref _finished) != 0;

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var source = await CreateContentReadStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            await source.CopyToAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var source = CreateContentReadStream(cancellationToken);
        source.CopyTo(stream);
    }

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken)
    {
        try
        {
            return new TrackingStream(this, await _inner.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            Finish(ex, cancelled: false, cancellationToken);
            throw;
        }
    }

    protected override Stream CreateContentReadStream(CancellationToken cancellationToken)
    {
        try
        {
            return new TrackingStream(this, _inner.ReadAsStream(cancellationToken));
        }
        catch (Exception ex)
        {
            Finish(ex, cancelled: false, cancellationToken);
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        var known = _inner.Headers.ContentLength;
        length = known.GetValueOrDefault();
        return known.HasValue;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Finish(null, cancelled: true, CancellationToken.None);
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void ReadCompleted(int read, int requested)
    {
        if (read == 0 && requested > 0)
        {
            Finish(null, cancelled: false, CancellationToken.None);
        }
    }

    /// <summary>
    /// Releases the replica once. <paramref name="exception"/> null and not <paramref name="cancelled"/>: the body ended.
    /// <paramref name="cancelled"/>: disposed or cancelled early; a timeout only if the attempt's deadline did it.
    /// </summary>
    private void Finish(Exception? exception, bool cancelled, CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        _cancellation.Unregister();
        _attemptCancellation.Unregister();
        LlmFailureKind? failure = exception is not null
            ? ReplicaPool.Classify(exception, cancellationToken.IsCancellationRequested || _attempt?.Token.IsCancellationRequested == true, _attempt)
            : cancelled ? ReplicaPool.CancellationVerdict(_attempt) : null;
        if (failure is { } kind)
        {
            _pool.OnFailure(_pick, kind);
        }

        ReplicaPool.Release(_pick);
    }

    /// <summary>The body stream handed to the adapter: reports reads, their end and their failures to its content.</summary>
    private sealed class TrackingStream(ReplicaResponseContent owner, Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            ValueTask<int> pending;
            try
            {
                pending = inner.ReadAsync(buffer, cancellationToken);
            }
            catch (Exception ex)
            {
                owner.Finish(ex, cancelled: false, cancellationToken);
                throw;
            }

            if (pending.IsCompletedSuccessfully)
            {
                var read = pending.Result;
                owner.ReadCompleted(read, buffer.Length);
                return new ValueTask<int>(read);
            }

            return AwaitRead(pending, buffer.Length, cancellationToken);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                read = inner.Read(buffer);
            }
            catch (Exception ex)
            {
                owner.Finish(ex, cancelled: false, CancellationToken.None);
                throw;
            }

            owner.ReadCompleted(read, buffer.Length);
            return read;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                owner.Finish(null, cancelled: true, CancellationToken.None);
                inner.Dispose();
            }

            base.Dispose(disposing);
        }

        [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<int> AwaitRead(ValueTask<int> pending, int requested, CancellationToken cancellationToken)
        {
            int read;
            try
            {
                read = await pending.ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                owner.Finish(ex, cancelled: false, cancellationToken);
                throw;
            }

            owner.ReadCompleted(read, requested);
            return read;
        }
    }
}
