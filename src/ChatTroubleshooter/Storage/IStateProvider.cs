using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Slack;

namespace ChatTroubleshooter.Storage;

/// <summary>
/// A storage provider (Sqlite, Redis, Memory): one implementation of each port, over what they share (a file and its
/// writer, a connection). Only the registration sees this; callers ask for the one concern they need.
/// </summary>
internal interface IStateProvider
{
    IConversationStore Conversations { get; }

    IUserPreferenceStore Preferences { get; }

    IFeedbackStore Feedback { get; }

    IDiagnosisLog Diagnoses { get; }

    IDeletedNumbers DeletedNumbers { get; }

    IAlertBursts AlertBursts { get; }

    IAlertMutes AlertMutes { get; }

    IAlertSubscriptions AlertSubscriptions { get; }

    IAuditStore Audits { get; }

    IWorkOutbox Outbox { get; }
}
