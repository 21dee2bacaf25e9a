using ChatTroubleshooter.Outbox;
using Microsoft.Extensions.Time.Testing;

namespace ChatTroubleshooter.Tests.Conversations;

/// <summary>The ids of accepted work: UUID v7 (RFC 9562) from the injected clock, unique and ordered by time.</summary>
public sealed class WorkItemIdTests
{
    [Fact]
    public void AnId_IsAVersion7Uuid_WithTheClocksTime()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 30, 0, 123, TimeSpan.Zero));

        var id = WorkItem.NewId(time);

        var uuid = Guid.ParseExact(id, "N");
        Assert.Equal(7, uuid.Version);
        // Variant 10xx: the RFC 9562 layout.
        Assert.Equal(0b10, uuid.Variant >> 2);
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), Convert.ToInt64(id[..12], 16));
    }

    [Fact]
    public void Ids_AreUnique_AndSortByTheMillisecondTheyWereMadeIn()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var first = Enumerable.Range(0, 10_000).Select(_ => WorkItem.NewId(time)).ToList();
        time.Advance(TimeSpan.FromMilliseconds(1));
        var later = WorkItem.NewId(time);

        Assert.Equal(first.Count, first.Distinct(StringComparer.Ordinal).Count());
        Assert.All(first, id => Assert.True(string.CompareOrdinal(id, later) < 0, $"{id} sorts before {later}"));
    }
}
