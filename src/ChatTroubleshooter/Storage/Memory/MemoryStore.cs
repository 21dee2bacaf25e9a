using ChatTroubleshooter.Outbox;
using Microsoft.Extensions.Caching.Memory;

namespace ChatTroubleshooter.Storage.Memory;

/// <summary>State in this process only (State__Provider=Memory): for tests and the terminal chat; a class per concern.</summary>
internal static class MemoryStore
{
    public static StateStore Open(TimeProvider time, IMemoryCache cache)
    {
        var conversations = new MemoryConversations(cache);
        var records = new MemoryRecords();
        var alerts = new MemoryAlerts();
        return new StateStore(conversations, conversations, records, records, alerts, alerts, alerts, alerts, new MemoryAudits(), new MemoryOutbox(time, cache));
    }
}
