using System.Buffers;
using Microsoft.AspNetCore.Http.Metadata;

namespace ChatTroubleshooter;

/// <summary>Reads a whole request body, within the endpoint's <c>RequestSizeLimit</c>.</summary>
internal static class RequestBody
{
    /// <summary>
    /// The body's bytes. Over the limit, Kestrel throws <see cref="BadHttpRequestException"/> (413) itself; the same
    /// check here covers servers that do not enforce <c>MaxRequestBodySize</c> (the test server), so every host
    /// answers alike. A client that stops sending mid-body gets a 400 the same way.
    /// </summary>
    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken ct)
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
                var body = read.Buffer.ToArray();
                reader.AdvanceTo(read.Buffer.End);
                return body;
            }

            // Nothing consumed yet: ask for more until the whole body is buffered.
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static BadHttpRequestException TooLarge() => new("Request body too large.", StatusCodes.Status413PayloadTooLarge);
}
