using ChatTroubleshooter.Slack;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Alerts;
using System.Collections.Concurrent;
using ChatTroubleshooter.Conversations;
using Microsoft.Extensions.Caching.Memory;

namespace ChatTroubleshooter.Storage.Memory;

/// <summary>Conversations (a version for optimistic concurrency) and users' locales (in the memory cache, which expires them).</summary>
internal sealed class MemoryConversations(IMemoryCache cache) : IConversationStore, IUserPreferenceStore
{
    private readonly ConcurrentDictionary<string, Conversation> _conversations = new(StringComparer.Ordinal);

    public Task<Conversation?> GetAsync(string key, CancellationToken ct) => Task.FromResult(_conversations.GetValueOrDefault(key));

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

    public Task<(bool Found, string? Locale)> GetLocaleAsync(string user, CancellationToken ct) =>
        Task.FromResult(cache.TryGetValue("locale:" + user, out string? locale) ? (true, locale == "" ? null : locale) : (false, (string?)null));

    public Task SetLocaleAsync(string user, string? locale, TimeSpan ttl, CancellationToken ct)
    {
        cache.Set("locale:" + user, locale ?? "", ttl);
        return Task.CompletedTask;
    }
}

/// <summary>The diagnoses given and the feedback on them.</summary>
internal sealed class MemoryRecords : IFeedbackStore, IDiagnosisLog
{
    private readonly ConcurrentDictionary<string, FeedbackRecord> _feedback = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, DiagnosisRecord> _diagnoses = new(StringComparer.Ordinal);

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
}

/// <summary>What alerts keep: deleted numbers, mutes, bursts and their summaries, subscriptions.</summary>
internal sealed class MemoryAlerts : IDeletedNumbers, IAlertMutes, IAlertBursts, IAlertSubscriptions
{
    private readonly ConcurrentDictionary<long, DateTimeOffset> _deletedNumbers = new();

    private readonly Dictionary<long, AlertBurst> _bursts = [];

    private readonly ConcurrentDictionary<(long Number, DateTimeOffset Since, string Place), string> _summaries = new();

    private readonly ConcurrentDictionary<string, AlertSubscription> _subscriptions = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<long, (DateTimeOffset Until, string By)> _mutes = new();

    public Task RememberAsync(long numberId, DateTimeOffset at, CancellationToken ct)
    {
        _deletedNumbers[numberId] = at;
        return Task.CompletedTask;
    }

    public Task<DateTimeOffset?> DeletedAtAsync(long numberId, CancellationToken ct) =>
        Task.FromResult(_deletedNumbers.TryGetValue(numberId, out var at) ? at : (DateTimeOffset?)null);

    public Task MuteAsync(long numberId, DateTimeOffset until, string by, CancellationToken ct)
    {
        _mutes[numberId] = (until, by);
        return Task.CompletedTask;
    }

    public Task<string?> MutedByAsync(long numberId, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(_mutes.TryGetValue(numberId, out var mute) && mute.Until > now ? mute.By : null);

    public Task<AlertBurst> AddAlertAsync(long numberId, DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        lock (_bursts)
        {
            var burst = _bursts.TryGetValue(numberId, out var run) && run.Since > now - window
                ? run with { Count = run.Count + 1 }
                : new AlertBurst(now, 1);
            if (burst.Count == 1)
            {
                // The summaries of this number's runs that ended are not needed any more.
                foreach (var ended in _summaries.Keys.Where(k => k.Number == numberId && k.Since <= now - window))
                {
                    _summaries.TryRemove(ended, out _);
                }
            }

            return Task.FromResult(_bursts[numberId] = burst);
        }
    }

    public Task SetSummaryAsync(long numberId, DateTimeOffset since, string place, string messageId, CancellationToken ct)
    {
        _summaries[(numberId, since, place)] = messageId;
        return Task.CompletedTask;
    }

    public Task<string?> SummaryAsync(long numberId, DateTimeOffset since, string place, CancellationToken ct) =>
        Task.FromResult(_summaries.GetValueOrDefault((numberId, since, place)));

    public Task SubscribeAsync(AlertSubscription subscription, CancellationToken ct)
    {
        _subscriptions[subscription.Place] = subscription;
        return Task.CompletedTask;
    }

    public Task<bool> UnsubscribeAsync(string place, CancellationToken ct) => Task.FromResult(_subscriptions.TryRemove(place, out _));

    public Task<IReadOnlyList<AlertSubscription>> SubscriptionsAsync(CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<AlertSubscription>>(_subscriptions.Values.OrderBy(s => s.Place, StringComparer.Ordinal).ToList());
}

/// <summary>What audits keep: the one audit running, cancels, their message, rows and report files.</summary>
internal sealed class MemoryAudits : IAuditStore
{
    private readonly ConcurrentDictionary<string, (string Place, bool Cancelled, string? MessageId)> _audits = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, (byte[] Content, DateTimeOffset Expires)> _files = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<(string Audit, string Page), string> _rows = new();

    private readonly Lock _auditSlotLock = new();

    private (string Id, DateTimeOffset Until)? _auditSlot;

    public Task RegisterAsync(string auditId, string place, CancellationToken ct)
    {
        _audits.TryAdd(auditId, (place, false, null));
        return Task.CompletedTask;
    }

    public Task<bool> CancelAsync(string auditId, string place, CancellationToken ct) =>
        Task.FromResult(_audits.TryGetValue(auditId, out var audit) && audit.Place == place && _audits.TryUpdate(auditId, audit with { Cancelled = true }, audit));

    public Task<bool> IsCancelledAsync(string auditId, CancellationToken ct) =>
        Task.FromResult(_audits.TryGetValue(auditId, out var audit) && audit.Cancelled);

    public Task<bool> TryRunAsync(string auditId, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        lock (_auditSlotLock)
        {
            if (_auditSlot is { } held && held.Id != auditId && held.Until > now)
            {
                return Task.FromResult(false);
            }

            _auditSlot = (auditId, until);
            return Task.FromResult(true);
        }
    }

    public Task EndRunAsync(string auditId, CancellationToken ct)
    {
        lock (_auditSlotLock)
        {
            if (_auditSlot?.Id == auditId)
            {
                _auditSlot = null;
            }
        }

        return Task.CompletedTask;
    }

    public Task SetMessageAsync(string auditId, string messageId, CancellationToken ct)
    {
        _audits.AddOrUpdate(auditId, _ => ("", false, messageId), (_, audit) => audit with { MessageId = messageId });
        return Task.CompletedTask;
    }

    public Task<string?> MessageAsync(string auditId, CancellationToken ct) =>
        Task.FromResult(_audits.TryGetValue(auditId, out var audit) ? audit.MessageId : null);

    public Task SaveRowsAsync(string auditId, string page, string rowsJson, CancellationToken ct)
    {
        _rows[(auditId, page)] = rowsJson;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> RowsAsync(string auditId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<string>>(_rows.Where(r => r.Key.Audit == auditId).OrderBy(r => r.Key.Page, StringComparer.Ordinal).Select(r => r.Value).ToList());

    public Task SaveFileAsync(string key, byte[] content, DateTimeOffset expires, CancellationToken ct)
    {
        _files[key] = (content, expires);
        return Task.CompletedTask;
    }

    public Task<byte[]?> FileAsync(string key, DateTimeOffset now, CancellationToken ct) =>
        Task.FromResult(_files.TryGetValue(key, out var file) && file.Expires > now ? file.Content : null);
}
