using System.Buffers;
using Microsoft.AspNetCore.Http.Metadata;

namespace ChatTroubleshooter.Http;

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

    /// <summary>
    /// The body read as <typeparamref name="T"/>, or the 4xx to answer: 413 over the size limit, 400 naming where the JSON
    /// could not be read (<paramref name="what"/>, e.g. "Malformed activity", starts the message).
    /// </summary>
    public static async Task<(T? Value, IResult? Failure)> ReadJsonAsync<T>(
        HttpRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, string what, CancellationToken ct)
    {
        try
        {
            using var body = await ReadAsync(request, ct);
            return (System.Text.Json.JsonSerializer.Deserialize(body.Span, type), null);
        }
        catch (System.Text.Json.JsonException e)
        {
            return (default, Results.BadRequest(e.Path is { Length: > 1 } path ? $"{what}: unreadable at {path}." : $"{what}: not JSON."));
        }
        catch (InvalidOperationException)
        {
            // A string System.Text.Json cannot turn into UTF-16 (a lone surrogate escape, "\ud800").
            return (default, Results.BadRequest($"{what}: a string is not valid Unicode."));
        }
        catch (BadHttpRequestException e)
        {
            return (default, Results.StatusCode(e.StatusCode));
        }
    }

    private static BadHttpRequestException TooLarge() => new("Request body too large.", StatusCodes.Status413PayloadTooLarge);
}
