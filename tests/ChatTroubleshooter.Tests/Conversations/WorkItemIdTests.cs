using ChatTroubleshooter.Conversations;

namespace ChatTroubleshooter.Tests.Conversations;

/// <summary>The ids of accepted work: UUID v7 (RFC 9562) after the channel name, unique and ordered by time.</summary>
public sealed class WorkItemIdTests
{
    [Fact]
    public void AnId_IsTheChannel_ThenAVersion7Uuid_WithTheCurrentTime()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var id = WorkItem.NewId("slack");
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        Assert.StartsWith("slack:", id, StringComparison.Ordinal);
        var uuid = Guid.ParseExact(id["slack:".Length..], "N");
        Assert.Equal(7, uuid.Version);
        // Variant 10xx: the RFC 9562 layout.
        Assert.Equal(0b10, uuid.Variant >> 2);
        var ms = Convert.ToInt64(id.Substring("slack:".Length, 12), 16);
        Assert.InRange(ms, before, after);
    }

    [Fact]
    public async Task Ids_AreUnique_AndSortByTheMillisecondTheyWereMadeIn()
    {
        var first = Enumerable.Range(0, 10_000).Select(_ => WorkItem.NewId("teams")).ToList();
        await Task.Delay(5, TestContext.Current.CancellationToken);
        var later = WorkItem.NewId("teams");

        Assert.Equal(first.Count, first.Distinct(StringComparer.Ordinal).Count());
        Assert.All(first, id => Assert.True(string.CompareOrdinal(id, later) < 0, $"{id} sorts before {later}"));
    }
}
