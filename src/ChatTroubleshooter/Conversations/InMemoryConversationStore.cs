using System.Collections.Concurrent;

namespace ChatTroubleshooter.Conversations;

/// <summary>Conversations in this process only: for tests and the terminal chat.</summary>
internal sealed class InMemoryConversationStore : IConversationStore
{
    private readonly ConcurrentDictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);

    public Task<Conversation?> GetAsync(string key, CancellationToken ct) =>
        Task.FromResult(_conversations.GetValueOrDefault(key));

    public Task<bool> TrySaveAsync(Conversation conversation, long expectedVersion, CancellationToken ct)
    {
        var saved = conversation with { Version = expectedVersion + 1 };
        if (expectedVersion == 0)
        {
            return Task.FromResult(_conversations.TryAdd(conversation.Key, saved));
        }

        return Task.FromResult(_conversations.TryGetValue(conversation.Key, out var current)
            && current.Version == expectedVersion
            && _conversations.TryUpdate(conversation.Key, saved, current));
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        _conversations.TryRemove(key, out _);
        return Task.CompletedTask;
    }
}
