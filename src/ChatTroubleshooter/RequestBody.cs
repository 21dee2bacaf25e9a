using System.Buffers;
using Microsoft.AspNetCore.Http.Metadata;

namespace ChatTroubleshooter;

/// <summary>
/// A request's body in a buffer rented from the shared pool: a body of a few hundred KB is a large-object allocation,
/// and thousands of them (a fuzzer, a flood) grew the heap the GC keeps by tens of MB; rented buffers are reused.
/// Dispose it when the request is handled (the parsed records own copies of what they keep).
/// </summary>
internal sealed class RequestBody : IDisposable
{
    private byte[]? _buffer;

    private RequestBody(byte[] buffer, int length)
    {
        _buffer = buffer;
        Length = length;
    }

    public int Length { get; }

    public ReadOnlyMemory<byte> Memory => _buffer is { } buffer ? buffer.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(RequestBody));

    public ReadOnlySpan<byte> Span => Memory.Span;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// The body, within the endpoint's <c>RequestSizeLimit</c>. Over the limit, Kestrel throws
    /// <see cref="BadHttpRequestException"/> (413) itself; the same check here covers servers that do not enforce
    /// <c>MaxRequestBodySize</c> (the test server), so every host answers alike. A client that stops sending
    /// mid-body gets a 400 the same way.
    /// </summary>
    public static async Task<RequestBody> ReadAsync(HttpRequest request, CancellationToken ct)
    {
        var limit = request.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? long.MaxValue;
        if (request.ContentLength > limit)
        {
            throw TooLarge();
        }

        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            if (read.Buffer.Length > limit)
            {
                reader.AdvanceTo(read.Buffer.End);
                throw TooLarge();
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                var length = (int)read.Buffer.Length;
                var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
                read.Buffer.CopyTo(buffer);
                reader.AdvanceTo(read.Buffer.End);
                return new RequestBody(buffer, length);
            }

            // Nothing consumed yet: ask for more until the whole body is buffered.
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static BadHttpRequestException TooLarge() => new("Request body too large.", StatusCodes.Status413PayloadTooLarge);
}
