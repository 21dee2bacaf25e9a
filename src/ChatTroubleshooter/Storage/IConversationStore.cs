using ChatTroubleshooter.Conversations;

namespace ChatTroubleshooter.Storage;

/// <summary>Where conversations live between turns.</summary>
public interface IConversationStore
{
    Task<Conversation?> GetAsync(string key, CancellationToken ct);

    /// <summary>
    /// Saves <paramref name="conversation"/> if the stored version is still <paramref name="expectedVersion"/>
    /// (0 for a new one); returns false when another writer got there first.
    /// </summary>
    Task<bool> TrySaveAsync(Conversation conversation, long expectedVersion, CancellationToken ct);
}
