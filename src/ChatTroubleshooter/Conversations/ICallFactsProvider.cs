using ChatTroubleshooter.Diagnostics.Facts;

namespace ChatTroubleshooter.Conversations;

public enum CallLookupStatus
{
    /// <summary>The call was found; its facts are in <see cref="CallLookup.Facts"/>.</summary>
    Found,

    /// <summary>No call lookup is configured here.</summary>
    NotConfigured,

    /// <summary>The phone system has no call with that id.</summary>
    NotFound,

    /// <summary>The phone system refused our credentials.</summary>
    Unauthorized,

    /// <summary>The phone system could not be reached (outage, timeout, open circuit).</summary>
    Unavailable,

    /// <summary>The call is in progress or just ended: its recording may not exist yet. Look again later.</summary>
    NotReady,

    /// <summary>The requester already has the most lookups allowed under way: not looked up, said so.</summary>
    Busy,
}

/// <summary>How soon a requester's lookups go out, relative to others waiting for the phone system's rate limit.</summary>
public enum CallPriority
{
    /// <summary>A user waiting for an answer: first.</summary>
    Interactive,

    /// <summary>
    /// Work someone looks at now without having asked, useless late (a warning during a live call, a pasted link's
    /// preview): after users, before bulk work.
    /// </summary>
    Prompt,

    /// <summary>Background work (alerts after the call, audits, write-backs): after everyone else.</summary>
    Bulk,
}

/// <summary>
/// Whose lookup it is: a lane of the fair queue in front of the phone system's rate limit (a user per channel, or a
/// feature's work, which goes after every interactive requester: prompt work first, then bulk work).
/// </summary>
public sealed record CallRequester(string Id, CallPriority Priority = CallPriority.Interactive)
{
    public static CallRequester Of(Turn turn) => new($"{turn.Channel}:{turn.UserId}".ToLowerInvariant());
}

/// <summary>What a call lookup found, and remarks for the user (text keys with arguments).</summary>
public sealed record CallLookup(CallLookupStatus Status, IReadOnlyList<Fact> Facts)
{
    public static CallLookup NotConfigured { get; } = new(CallLookupStatus.NotConfigured, []);

    public IReadOnlyList<Evidence> Notices { get; init; } = [];

    /// <summary>The country of the call's number (ISO 3166 alpha-2), for the customer's language in a draft.</summary>
    public string? Country { get; init; }

    /// <summary>For <see cref="CallLookupStatus.NotReady"/>: when to look again.</summary>
    public TimeSpan? RecheckAfter { get; init; }
}

/// <summary>Turns a call id into facts (the Aircall API in production).</summary>
public interface ICallFactsProvider
{
    Task<CallLookup> LookupAsync(string callId, CallRequester requester, CancellationToken ct);

    /// <summary>Call ids worth trying (the demo calls in demo mode); empty for a real phone system.</summary>
    IReadOnlyList<string> ExampleCallIds => [];
}

/// <summary>Used when no phone system is configured: every lookup says so, and the bot asks instead.</summary>
internal sealed class NoCallFactsProvider : ICallFactsProvider
{
    public Task<CallLookup> LookupAsync(string callId, CallRequester requester, CancellationToken ct) => Task.FromResult(CallLookup.NotConfigured);
}
