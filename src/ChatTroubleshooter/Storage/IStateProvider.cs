using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Alerts;
using ChatTroubleshooter.Audit;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Slack;

namespace ChatTroubleshooter.Storage;

/// <summary>
/// What a storage provider (Sqlite, Redis, Memory) implements: every concern, so one instance can back them all. Only
/// the registration sees this; callers ask for the one concern they need.
/// </summary>
internal interface IStateProvider : IConversationStore, IUserPreferenceStore, IFeedbackStore, IDiagnosisLog, IDeletedNumbers, IAlertBursts, IAlertMutes, IAlertSubscriptions, IAuditStore, IWorkOutbox;
