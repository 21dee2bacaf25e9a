using System.Text.Json;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Slack;

namespace ChatTroubleshooter.Storage.Sqlite;

/// <summary>Conversations (a version for optimistic concurrency) and users' locales (with expiry).</summary>
internal sealed class SqliteConversations(SqliteDatabase db) : IConversationStore, IUserPreferenceStore
{
    public Task<Conversation?> GetAsync(string key, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT version, json FROM conversations WHERE key = $k", ("$k", key));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? ConversationJson.Deserialize(reader.GetString(1), reader.GetInt64(0)) : null);
    }

    public Task<bool> TrySaveAsync(Conversation conversation, long expectedVersion, CancellationToken ct)
    {
        var json = ConversationJson.Serialize(conversation);
        var updated = conversation.UpdatedAt.ToUnixTimeMilliseconds();
        return db.WriteAsync(writer => (expectedVersion == 0
            ? writer.Execute("INSERT INTO conversations (key, version, updated_at, json) VALUES ($k, 1, $u, $j) ON CONFLICT (key) DO NOTHING",
                ("$k", conversation.Key), ("$u", updated), ("$j", json))
            : writer.Execute("UPDATE conversations SET version = version + 1, updated_at = $u, json = $j WHERE key = $k AND version = $v",
                ("$k", conversation.Key), ("$u", updated), ("$j", json), ("$v", expectedVersion))) == 1);
    }

    public Task<(bool Found, string? Locale)> GetLocaleAsync(string user, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT locale FROM locales WHERE user = $u AND expires_at > $now", ("$u", user), ("$now", db.Now));
        using var reader = command.ExecuteReader();
        return Task.FromResult(reader.Read() ? (true, reader.IsDBNull(0) ? null : reader.GetString(0)) : (false, (string?)null));
    }

    public Task SetLocaleAsync(string user, string? locale, TimeSpan ttl, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("INSERT INTO locales (user, locale, expires_at) VALUES ($u, $l, $e) ON CONFLICT (user) DO UPDATE SET locale = excluded.locale, expires_at = excluded.expires_at",
            ("$u", user), ("$l", locale), ("$e", db.Now + (long)ttl.TotalMilliseconds)));
}

/// <summary>The diagnoses given and the feedback on them.</summary>
internal sealed class SqliteRecords(SqliteDatabase db) : IFeedbackStore, IDiagnosisLog
{
    public Task<bool> AddFeedbackAsync(FeedbackRecord feedback, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(feedback, StorageJson.Default.FeedbackRecord);
        return db.WriteAsync(writer => writer.Execute("INSERT INTO feedback (diagnosis_id, user, at, json) VALUES ($d, $u, $a, $j) ON CONFLICT DO NOTHING",
            ("$d", feedback.DiagnosisId), ("$u", feedback.User), ("$a", feedback.At.ToUnixTimeMilliseconds()), ("$j", json)) == 1);
    }

    public Task<IReadOnlyList<FeedbackRecord>> FeedbackSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT json FROM feedback WHERE at >= $s ORDER BY at", ("$s", since.ToUnixTimeMilliseconds()));
        return Task.FromResult<IReadOnlyList<FeedbackRecord>>(SqliteDatabase.ReadJson(command, json => JsonSerializer.Deserialize(json, StorageJson.Default.FeedbackRecord)!));
    }

    public Task AddDiagnosisAsync(DiagnosisRecord record, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(record, StorageJson.Default.DiagnosisRecord);
        return db.WriteAsync(writer => writer.Execute("INSERT INTO diagnoses (id, at, json) VALUES ($i, $a, $j) ON CONFLICT (id) DO UPDATE SET json = excluded.json",
            ("$i", record.DiagnosisId), ("$a", record.At.ToUnixTimeMilliseconds()), ("$j", json)));
    }

    public Task<DiagnosisRecord?> GetDiagnosisAsync(string diagnosisId, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT json FROM diagnoses WHERE id = $i", ("$i", diagnosisId));
        var json = command.ExecuteScalar() as string;
        return Task.FromResult(json is null ? null : JsonSerializer.Deserialize(json, StorageJson.Default.DiagnosisRecord));
    }

    public Task<IReadOnlyList<DiagnosisRecord>> DiagnosesSinceAsync(DateTimeOffset since, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT json FROM diagnoses WHERE at >= $s ORDER BY at", ("$s", since.ToUnixTimeMilliseconds()));
        return Task.FromResult<IReadOnlyList<DiagnosisRecord>>(SqliteDatabase.ReadJson(command, json => JsonSerializer.Deserialize(json, StorageJson.Default.DiagnosisRecord)!));
    }
}

/// <summary>What alerts keep: deleted numbers, mutes, bursts and their summaries, subscriptions.</summary>
internal sealed class SqliteAlerts(SqliteDatabase db, StoredJson json) : IDeletedNumbers, IAlertMutes, IAlertBursts, IAlertSubscriptions
{
    public Task RememberAsync(long numberId, DateTimeOffset at, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("INSERT INTO deleted_numbers (id, at) VALUES ($i, $a) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
            ("$i", numberId), ("$a", at.ToUnixTimeMilliseconds())));

    public Task<DateTimeOffset?> DeletedAtAsync(long numberId, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT at FROM deleted_numbers WHERE id = $i", ("$i", numberId));
        return Task.FromResult(command.ExecuteScalar() is long ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : (DateTimeOffset?)null);
    }

    public Task MuteAsync(long numberId, DateTimeOffset until, string by, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("INSERT INTO alert_mutes (number, until, by) VALUES ($n, $u, $b) ON CONFLICT (number) DO UPDATE SET until = excluded.until, by = excluded.by",
            ("$n", numberId), ("$u", until.ToUnixTimeMilliseconds()), ("$b", by)));

    public Task<string?> MutedByAsync(long numberId, DateTimeOffset now, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT by FROM alert_mutes WHERE number = $n AND until > $now", ("$n", numberId), ("$now", now.ToUnixTimeMilliseconds()));
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task<AlertBurst> AddAlertAsync(long numberId, DateTimeOffset now, TimeSpan window, CancellationToken ct) =>
        db.WriteAsync(writer =>
        {
            var old = (now - window).ToUnixTimeMilliseconds();
            var command = writer.Command("""
                INSERT INTO alert_bursts (number, since, count) VALUES ($n, $now, 1)
                ON CONFLICT (number) DO UPDATE SET
                  count = CASE WHEN alert_bursts.since <= $old THEN 1 ELSE alert_bursts.count + 1 END,
                  since = CASE WHEN alert_bursts.since <= $old THEN $now ELSE alert_bursts.since END
                RETURNING since, count
                """, ("$n", numberId), ("$now", now.ToUnixTimeMilliseconds()), ("$old", old));
            AlertBurst burst;
            using (var reader = command.ExecuteReader())
            {
                reader.Read();
                burst = new AlertBurst(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetInt32(1));
            }

            // The summaries of runs that ended are not needed any more.
            writer.Execute("DELETE FROM alert_summaries WHERE number = $n AND since <= $old", ("$n", numberId), ("$old", old));
            return burst;
        });

    public Task SetSummaryAsync(long numberId, DateTimeOffset since, string place, string messageId, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute(
            "INSERT INTO alert_summaries (number, since, place, message_id) VALUES ($n, $s, $p, $m) ON CONFLICT DO UPDATE SET message_id = excluded.message_id",
            ("$n", numberId), ("$s", since.ToUnixTimeMilliseconds()), ("$p", place), ("$m", messageId)));

    public Task<string?> SummaryAsync(long numberId, DateTimeOffset since, string place, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT message_id FROM alert_summaries WHERE number = $n AND since = $s AND place = $p",
            ("$n", numberId), ("$s", since.ToUnixTimeMilliseconds()), ("$p", place));
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task SubscribeAsync(AlertSubscription subscription, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("INSERT INTO alert_subscriptions (place, json) VALUES ($p, $j) ON CONFLICT (place) DO UPDATE SET json = excluded.json",
            ("$p", subscription.Place), ("$j", json.Serialize(subscription))));

    public Task<bool> UnsubscribeAsync(string place, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("DELETE FROM alert_subscriptions WHERE place = $p", ("$p", place)) == 1);

    public Task<IReadOnlyList<AlertSubscription>> SubscriptionsAsync(CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT json FROM alert_subscriptions ORDER BY place");
        return Task.FromResult<IReadOnlyList<AlertSubscription>>(SqliteDatabase.ReadJson(command, json.TryDeserialize<AlertSubscription>).OfType<AlertSubscription>().ToList());
    }
}

/// <summary>What audits keep: the one audit running, cancels, their message, rows and report files.</summary>
internal sealed class SqliteAudits(SqliteDatabase db) : IAuditStore
{
    public Task RegisterAsync(string auditId, string place, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("INSERT INTO audits (id, place) VALUES ($i, $p) ON CONFLICT (id) DO NOTHING", ("$i", auditId), ("$p", place)));

    public Task<bool> CancelAsync(string auditId, string place, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("UPDATE audits SET cancelled = 1 WHERE id = $i AND place = $p", ("$i", auditId), ("$p", place)) == 1);

    public Task<bool> IsCancelledAsync(string auditId, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT cancelled FROM audits WHERE id = $i", ("$i", auditId));
        return Task.FromResult(command.ExecuteScalar() is long cancelled && cancelled == 1);
    }

    public Task<bool> TryRunAsync(string auditId, DateTimeOffset now, DateTimeOffset until, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("""
            INSERT INTO audit_slot (slot, id, until) VALUES (0, $i, $u)
            ON CONFLICT (slot) DO UPDATE SET id = excluded.id, until = excluded.until WHERE audit_slot.id = excluded.id OR audit_slot.until <= $now
            """, ("$i", auditId), ("$u", until.ToUnixTimeMilliseconds()), ("$now", now.ToUnixTimeMilliseconds())) == 1);

    public Task EndRunAsync(string auditId, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("DELETE FROM audit_slot WHERE id = $i", ("$i", auditId)));

    public Task SetMessageAsync(string auditId, string messageId, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("UPDATE audits SET message_id = $m WHERE id = $i", ("$i", auditId), ("$m", messageId)));

    public Task<string?> MessageAsync(string auditId, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT message_id FROM audits WHERE id = $i", ("$i", auditId));
        return Task.FromResult(command.ExecuteScalar() as string);
    }

    public Task SaveRowsAsync(string auditId, string page, string rowsJson, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("INSERT INTO audit_rows (audit_id, page, json) VALUES ($a, $p, $j) ON CONFLICT DO UPDATE SET json = excluded.json",
            ("$a", auditId), ("$p", page), ("$j", rowsJson)));

    public Task<IReadOnlyList<string>> RowsAsync(string auditId, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT json FROM audit_rows WHERE audit_id = $a ORDER BY page", ("$a", auditId));
        return Task.FromResult<IReadOnlyList<string>>(SqliteDatabase.ReadJson(command, json => json));
    }

    public Task SaveFileAsync(string key, byte[] content, DateTimeOffset expires, CancellationToken ct) =>
        db.WriteAsync(writer => writer.Execute("INSERT INTO report_files (key, content, expires) VALUES ($k, $c, $e) ON CONFLICT (key) DO UPDATE SET content = excluded.content, expires = excluded.expires",
            ("$k", key), ("$c", content), ("$e", expires.ToUnixTimeMilliseconds())));

    public Task<byte[]?> FileAsync(string key, DateTimeOffset now, CancellationToken ct)
    {
        using var connection = db.Open();
        using var command = SqliteDatabase.Command(connection, "SELECT content FROM report_files WHERE key = $k AND expires > $now", ("$k", key), ("$now", now.ToUnixTimeMilliseconds()));
        return Task.FromResult(command.ExecuteScalar() as byte[]);
    }
}
