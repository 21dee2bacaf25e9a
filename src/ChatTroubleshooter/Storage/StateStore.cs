using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Slack;

namespace ChatTroubleshooter.Storage;

/// <summary>
/// A storage provider opened (Sqlite, Redis, Memory): one implementation of each port, over what they share (a file and
/// its writer, a connection). Only the registration sees this; callers ask for the one concern they need.
/// </summary>
internal sealed record StateStore(
    IConversationStore Conversations,
    IUserPreferenceStore Preferences,
    IFeedbackStore Feedback,
    IDiagnosisLog Diagnoses,
    IDeletedNumbers DeletedNumbers,
    IAlertBursts AlertBursts,
    IAlertMutes AlertMutes,
    IAlertSubscriptions AlertSubscriptions,
    IAuditStore Audits,
    IWorkOutbox Outbox) : IDisposable
{
    /// <summary>What the provider holds open (a file and its writer), closed with it.</summary>
    public IDisposable? Resource { get; init; }

    public void Dispose() => Resource?.Dispose();
}
