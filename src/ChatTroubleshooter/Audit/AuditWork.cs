using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using ChatTroubleshooter.Json;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Places;

namespace ChatTroubleshooter.Audit;

/// <summary>
/// A bulk audit, one Aircall request (or a few) per run: each run reads the next page, folds it into
/// <see cref="State"/>, and plans the next run with the new state after the audit's share of the rate limit. The state
/// travels with the durable work item, so a restart goes on from the last page read, never reading one twice.
/// </summary>
public sealed record AuditWork(string AuditId, AuditRequest Request, PlaceAddress Target, string Place, string Language, AuditState State) : Work;

/// <summary>A window of start times (UNIX seconds) still to read, and the next page of it.</summary>
public sealed record AuditWindow(long From, long To, int Page);

/// <summary>A number's recording switch as Aircall gives it today (null: unknown; Missing: the number is gone).</summary>
public sealed record AuditNumber(long Id, string? Name, bool? Recording, bool Missing);

/// <summary>A call kept to find parallel calls: the same user's calls overlapping the next ones.</summary>
public sealed record AuditRecentCall(long Id, long UserId, long Start, long? End);

/// <summary>A call of the period without a recording: a row of the CSV.</summary>
public sealed record AuditRow(
    long CallId, long StartedAt, string? Direction, string? Agent, long? TalkSeconds, bool ExpectedRecording,
    IReadOnlyList<string> Confirmed, IReadOnlyList<string> Possible, string Evidence);

/// <summary>Calls counted per cause: confirmed, or possible (the data could not decide).</summary>
public sealed record AuditCauseCount(string Cause, int Confirmed, int Possible);

/// <summary>What an audit has found so far.</summary>
public sealed record AuditState
{
    /// <summary>The user whose calls are read (a user audit), once resolved.</summary>
    public long? UserId { get; init; }

    /// <summary>The number whose calls are counted (a number audit), once resolved.</summary>
    public long? NumberId { get; init; }

    /// <summary>The subject's name, once resolved (the number's or the user's).</summary>
    public string? SubjectName { get; init; }

    /// <summary>The subject's time zone (IANA id, Aircall's <c>time_zone</c>), once resolved: the result's times are written in it.</summary>
    public string? TimeZone { get; init; }

    /// <summary>The next page of users or numbers to search for an email or digits.</summary>
    public int ResolvePage { get; init; } = 1;

    /// <summary>Windows still to read, oldest first; null until the audit starts reading calls.</summary>
    public IReadOnlyList<AuditWindow>? Windows { get; init; }

    public int Requests { get; init; }

    public int PagesRead { get; init; }

    public int Scanned { get; init; }

    public int Healthy { get; init; }

    /// <summary>Not expected to have a recording (not answered, under 5 s, over 4 h) and without one.</summary>
    public int ExpectedWithout { get; init; }

    /// <summary>Expected to have a recording and without one.</summary>
    public int Missing { get; init; }

    /// <summary>Expected to have a recording (with one or not).</summary>
    public int ExpectedWith { get; init; }

    public IReadOnlyList<AuditCauseCount> Causes { get; init; } = [];

    public IReadOnlyDictionary<string, int> Agents { get; init; } = new Dictionary<string, int>();

    public IReadOnlyDictionary<string, int> Numbers { get; init; } = new Dictionary<string, int>();

    public IReadOnlyList<AuditNumber> KnownNumbers { get; init; } = [];

    public IReadOnlyList<AuditRecentCall> Recent { get; init; } = [];

    /// <summary>The first and the last call that should have a recording and has none (the rows themselves are stored per page).</summary>
    public AuditRow? FirstAffected { get; init; }

    public AuditRow? LastAffected { get; init; }

    /// <summary>The start of the run of calls that should have a recording and have none, up to now (since the last that had one).</summary>
    public long? MissingRunSince { get; init; }

    public int MissingRun { get; init; }

    public DateTimeOffset? LastProgressAt { get; init; }
}

/// <summary>The audit's one message (progress, then the result): posted once, then replaced.</summary>
public sealed record AuditMessageDelivery(PlaceAddress Target, string AuditId, JsonObject Message) : Delivery
{
    /// <summary>Once posted, sending it again replaces the message with the same content.</summary>
    public override bool Repeatable => true;
}

/// <summary>The rows of a page, as stored: source-generated JSON.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(List<AuditRow>))]
[JsonSerializable(typeof(AuditWork))]
[JsonSerializable(typeof(AuditMessageDelivery))]
internal sealed partial class AuditJson : JsonSerializerContext;

public static class AuditStoredTypes
{
    /// <summary>The audits' stored kinds, under their discriminators (part of the stored JSON: never renamed).</summary>
    public static IServiceCollection AddAuditStoredTypes(this IServiceCollection services) => services
        .AddStoredType<Work, AuditWork>("audit.run", AuditJson.Default)
        .AddStoredType<Delivery, AuditMessageDelivery>("audit.message", AuditJson.Default);
}
