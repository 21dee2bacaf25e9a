using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Facts;

namespace ChatTroubleshooter.Aircall;

/// <summary>
/// The facts of a call's number: deleted (Aircall said so by webhook: no request), or as <c>GET /v1/numbers/:id</c>
/// answers (cached). Shared by conversations' lookups and the proactive alerts.
/// </summary>
internal sealed class AircallNumberFacts(AircallClient client, AircallFactMapper mapper, IDeletedNumbers deletedNumbers)
{
    /// <returns>The facts, and the number when Aircall returned it (its name and country).</returns>
    public async Task<(IReadOnlyList<Fact> Facts, AircallNumber? Number)> ForAsync(long numberId, CallRequester requester, CancellationToken ct)
    {
        if (await deletedNumbers.DeletedAtAsync(numberId, ct) is { } deletedAt)
        {
            return (mapper.MapDeletedNumber(numberId, deletedAt), null);
        }

        var found = await client.GetNumberAsync(numberId, requester, ct);
        return (mapper.MapNumber(numberId, found), found.Value);
    }
}
