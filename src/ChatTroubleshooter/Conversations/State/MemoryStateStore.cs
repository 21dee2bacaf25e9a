using System.Collections.Concurrent;

namespace ChatTroubleshooter.Conversations.State;

/// <summary>State in this process only (State__Provider=Memory): for tests and the terminal chat.</summary>
internal sealed class MemoryStateStore(TimeProvider time) : IStateStore
{
    private readonly InMemoryConversationStore _conversations = new();
    private readonly InMemoryEventDeduplicator _dedupe = new(time);
    private readonly ConcurrentDictionary<string, (string? Locale, DateTimeOffset Expires)> _locales = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, FeedbackRecord> _feedback = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DiagnosisRecord> _diagnoses = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (WorkItem Item, DateTimeOffset Due)> _work = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<WorkItem> _dead = new();
    private readonly WorkSignal _signal = new();
    private readonly Lock _claim = new();

    public Task<Conversation?> GetAsync(string key, CancellationToken ct) => _conversations.GetAsync(key, ct);

    public Task<bool> TrySaveAsync(Conversation conversation, long expectedVersion, CancellationToken ct) =>
        _conversations.TrySaveAsync(conversation, expectedVersion, ct);

    public Task DeleteAsync(string key, CancellationToken ct) => _conversations.DeleteAsync(key, ct);

    public Task<bool> TryFirstAsync(string key, TimeSpan ttl, CancellationToken ct) => _dedupe.TryFirstAsync(key, ttl, ct);

    public Task<(bool Found, string? Locale)> GetLocaleAsync(string user, CancellationToken ct) =>
        Task.FromResult(_locales.TryGetValue(user, out var e) && e.Expires > time.GetUtcNow() ? (true, e.Locale) : (false, (string?)null));

    public Task SetLocaleAsync(string user, string? locale, TimeSpan ttl, CancellationToken ct)
    {
        _locales[user] = (locale, time.GetUtcNow() + ttl);
        return Task.CompletedTask;
    }

    public Task<bool> AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct) =>
        Task.FromResult(_feedback.TryAdd($"{feedback.DiagnosisId}|{feedback.User}", feedback));

    public Task<IReadOnlyList<FeedbackRecord>> FeedbackSinceAsync(DateTimeOffset since, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<FeedbackRecord>>(_feedback.Values.Where(f => f.At >= since).OrderBy(f => f.At).ToList());

    public Task AddDiagnosisAsync(DiagnosisRecord record, CancellationToken ct)
    {
        _diagnoses[record.DiagnosisId] = record;
        return Task.CompletedTask;
    }

    public Task<DiagnosisRecord?> GetDiagnosisAsync(string diagnosisId, CancellationToken ct) =>
        Task.FromResult(_diagnoses.GetValueOrDefault(diagnosisId));

    public Task<IReadOnlyList<DiagnosisRecord>> DiagnosesSinceAsync(DateTimeOffset since, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<DiagnosisRecord>>(_diagnoses.Values.Where(d => d.At >= since).OrderBy(d => d.At).ToList());

    public ValueTask EnqueueAsync(WorkItem item, CancellationToken ct)
    {
        _work[item.Id] = (item, item.NotBefore ?? time.GetUtcNow());
        _signal.Notify();
        return ValueTask.CompletedTask;
    }

    public Task<IReadOnlyList<WorkItem>> ClaimAsync(int max, TimeSpan lease, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var claimed = new List<WorkItem>();
        lock (_claim)
        {
            foreach (var (id, entry) in _work.OrderBy(w => w.Value.Due))
            {
                if (claimed.Count >= max || entry.Due > now)
                {
                    break;
                }

                // The lease: the item is not due again until the lease ends.
                _work[id] = (entry.Item, now + lease);
                claimed.Add(entry.Item);
            }
        }

        return Task.FromResult<IReadOnlyList<WorkItem>>(claimed);
    }

    public Task SaveProgressAsync(WorkItem item, CancellationToken ct)
    {
        if (_work.TryGetValue(item.Id, out var entry))
        {
            _work[item.Id] = (item, entry.Due);
        }

        return Task.CompletedTask;
    }

    public Task CompleteAsync(WorkItem item, CancellationToken ct)
    {
        _work.TryRemove(item.Id, out _);
        return Task.CompletedTask;
    }

    public Task RetryAsync(WorkItem item, DateTimeOffset notBefore, string error, CancellationToken ct)
    {
        _work[item.Id] = (item, notBefore);
        return Task.CompletedTask;
    }

    public Task DeadLetterAsync(WorkItem item, string error, CancellationToken ct)
    {
        _work.TryRemove(item.Id, out _);
        _dead.Enqueue(item);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<WorkItem>> DeadLettersAsync(CancellationToken ct) => Task.FromResult<IReadOnlyList<WorkItem>>(_dead.ToList());

    public Task WaitForWorkAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
