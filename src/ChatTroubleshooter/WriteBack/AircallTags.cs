using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Conversations;
using Microsoft.Extensions.Caching.Memory;

namespace ChatTroubleshooter.WriteBack;

/// <summary>
/// The ids of the company's tags the bot puts on calls, by name: found in <c>/v1/tags</c>, created once when missing,
/// then remembered (a tag's id does not change).
/// </summary>
internal sealed class AircallTags(AircallClient aircall, IMemoryCache cache, ILogger<AircallTags> logger)
{
    private const int MaxPages = 20;
    private static readonly TimeSpan Remembered = TimeSpan.FromHours(12);

    /// <summary>Aircall's red: these tags mark calls that lost their recording.</summary>
    private const string Color = "#E5484D";

    /// <summary>The ids of <paramref name="names"/>, in order; <see cref="AircallWrite.Done"/> only when all were found or created.</summary>
    public async Task<(AircallWrite Status, IReadOnlyList<long> Ids)> IdsAsync(IReadOnlyList<string> names, CallRequester requester, CancellationToken ct)
    {
        var ids = new List<long>(names.Count);
        foreach (var name in names)
        {
            var (status, id) = await IdAsync(name, requester, ct);
            if (status != AircallWrite.Done)
            {
                return (status, []);
            }

            ids.Add(id);
        }

        return (AircallWrite.Done, ids);
    }

    private async Task<(AircallWrite Status, long Id)> IdAsync(string name, CallRequester requester, CancellationToken ct)
    {
        var key = "aircall:tag:" + name.ToLowerInvariant();
        if (cache.TryGetValue(key, out long known))
        {
            return (AircallWrite.Done, known);
        }

        // Found, or created; a creation refused as invalid is most likely another instance's creation of it meanwhile: look again.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var (found, id) = await FindAsync(name, requester, ct);
            if (found != AircallWrite.Done)
            {
                return (found, 0);
            }

            if (id is { } existing)
            {
                return (AircallWrite.Done, Remember(key, existing));
            }

            if (attempt == 1)
            {
                break;
            }

            var (created, tag) = await aircall.CreateTagAsync(
                new AircallTagRequest(name, Color, "Calls without a recording, by cause (ChatTroubleshooter)"), requester, ct);
            if (created == AircallWrite.Done && tag is { Id: > 0 })
            {
                logger.LogInformation("Created the Aircall tag {Tag} ({TagId}).", name, tag.Id);
                return (AircallWrite.Done, Remember(key, tag.Id));
            }

            if (created != AircallWrite.Invalid)
            {
                return (created, 0);
            }
        }

        return (AircallWrite.Invalid, 0);
    }

    /// <summary>The tag named <paramref name="name"/> (case aside) among the company's, or null when there is none.</summary>
    private async Task<(AircallWrite Status, long? Id)> FindAsync(string name, CallRequester requester, CancellationToken ct)
    {
        for (var page = 1; page <= MaxPages; page++)
        {
            var result = await aircall.TagsPageAsync(page, requester, ct);
            switch (result.Status)
            {
                case AircallStatus.Unauthorized:
                    return (AircallWrite.Refused, null);
                case not AircallStatus.Ok:
                    // Nothing was written: the write waits for another attempt.
                    return (AircallWrite.TryLater, null);
            }

            var tags = result.Value?.Tags ?? [];
            if (tags.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)) is { } tag)
            {
                return (AircallWrite.Done, tag.Id);
            }

            if (tags.Count == 0 || result.Value?.Meta?.HasMore(page) != true)
            {
                break;
            }
        }

        return (AircallWrite.Done, null);
    }

    private long Remember(string key, long id) => cache.Set(key, id, Remembered);
}
