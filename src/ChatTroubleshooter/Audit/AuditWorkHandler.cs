using System.Globalization;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Aircall;
using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;
using ChatTroubleshooter.Outbox;
using ChatTroubleshooter.Places;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Audit;

/// <summary>
/// Runs audits one page at a time: resolves the subject, reads the period's calls 50 at a time (narrowing a window whose
/// calls pass Aircall's 10,000-item cap), diagnoses each call from the data alone with the shared rules, and keeps the
/// audit's one message up to date (at most every 3 s, with Cancel) until the result replaces it. An audit uses at most
/// half of <c>Aircall__RequestsPerMinute</c> and waits behind every interactive lookup; a second audit waits for the first.
/// </summary>
internal sealed class AuditWorkHandler(
    AircallClient aircall,
    AircallFactMapper mapper,
    Knowledge knowledge,
    IAuditStore audits,
    IDeletedNumbers deletedNumbers,
    AuditReports reports,
    PlacePoster poster,
    IOptions<AircallOptions> aircallOptions,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<AuditWorkHandler> logger) : IWorkHandler
{
    /// <summary>Aircall's cap on the items one query pages through.</summary>
    public const int MaxItemsPerQuery = 10_000;

    /// <summary>Progress is said at most this often.</summary>
    public static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(3);

    /// <summary>Audits wait their turn for Aircall after every user's lookup.</summary>
    internal static readonly CallRequester Requester = new("aircall:audit", CallPriority.Bulk);

    /// <summary>Kept per user to find parallel calls (an agent has few calls going at once).</summary>
    private const int RecentPerUser = 4;

    private readonly ReplyComposer _composer = new(knowledge);

    public string Name => "Audit";

    public bool Handles(Work work) => work is AuditWork;

    /// <summary>The time one request of an audit takes from the budget: half of the rate limit is the audits'.</summary>
    public TimeSpan Interval => TimeSpan.FromMinutes(1) / Math.Max(1, aircallOptions.Value.RequestsPerMinute / 2);

    public async Task<IReadOnlyList<Delivery>> PlanAsync(WorkItem item, CancellationToken ct)
    {
        if (item.Work is not AuditWork work)
        {
            throw new InvalidOperationException($"Not audit work: {item.Work.GetType().Name}.");
        }

        var now = time.GetUtcNow();
        if (await audits.IsCancelledAsync(work.AuditId, ct))
        {
            await audits.EndRunAsync(work.AuditId, ct);
            logger.LogInformation("Audit {AuditId} cancelled after {Calls} calls ({Requests} Aircall requests).", work.AuditId, work.State.Scanned, work.State.Requests);
            return [Message(work, Say(work, TextKeys.AuditCancelled, ("count", Count(work.State.Scanned))), running: false)];
        }

        if (!await audits.TryRunAsync(work.AuditId, now, now + TimeSpan.FromMinutes(5), ct))
        {
            // Another audit runs: this one waits (it would only share the same budget).
            return [new FollowUp(options.Value.QueuedRetry, work)];
        }

        var (state, requests, error) = work.State.Windows is null
            ? await ResolveAsync(work, ct)
            : await ReadPageAsync(work, ct);
        if (error is not null)
        {
            await audits.EndRunAsync(work.AuditId, ct);
            return [Message(work, Say(work, error, ("given", work.Request.Subject.Given), ("count", Count(state.Scanned))), running: false)];
        }

        var next = work with { State = state with { Requests = state.Requests + requests } };
        if (next.State.Windows is [])
        {
            await audits.EndRunAsync(work.AuditId, ct);
            logger.LogInformation("Audit {AuditId} done: {Calls} calls, {Missing} without a recording, {Requests} Aircall requests.",
                work.AuditId, next.State.Scanned, next.State.Missing, next.State.Requests);
            return [await ResultAsync(next, ct)];
        }

        var plan = new List<Delivery>(2);
        if (next.State.LastProgressAt is not { } said || now - said >= ProgressEvery)
        {
            next = next with { State = next.State with { LastProgressAt = now } };
            plan.Add(Message(next, Say(next, TextKeys.AuditProgress, ("count", Count(next.State.Scanned)), ("missing", Count(next.State.Missing))), running: true));
        }

        plan.Add(new FollowUp(Interval * Math.Max(1, requests), next));
        return plan;
    }

    /// <summary>Finds the number or user the audit is about (by id, or one page of numbers or users at a time).</summary>
    private async Task<(AuditState State, int Requests, string? Error)> ResolveAsync(AuditWork work, CancellationToken ct)
    {
        var s = work.State;
        var given = work.Request.Subject.Given;
        var window = new[] { new AuditWindow(work.Request.From, work.Request.To, 1) };
        switch (work.Request.Subject)
        {
            case NumberSubject when IsId(given, out var id):
                var number = await aircall.GetNumberAsync(id, Requester, ct);
                return number.Status switch
                {
                    AircallStatus.Ok => (s with { NumberId = id, SubjectName = number.Value!.Name ?? given, TimeZone = number.Value.TimeZone, Windows = window, KnownNumbers = [Known(number.Value)] }, 1, null),
                    AircallStatus.NotFound => (s, 1, TextKeys.AuditErrorUnknownNumber),
                    AircallStatus.Unauthorized => (s, 1, TextKeys.AuditErrorAircall),
                    _ => throw new HttpRequestException($"Aircall answered {number.Status} for the audit's number."),
                };

            case NumberSubject:
                var numbers = await aircall.NumbersPageAsync(s.ResolvePage, Requester, ct);
                var digits = Digits(given);
                if (numbers.Status is AircallStatus.Unauthorized or AircallStatus.NotFound)
                {
                    return (s, 1, TextKeys.AuditErrorAircall);
                }

                if (numbers.Status != AircallStatus.Ok)
                {
                    throw new HttpRequestException($"Aircall answered {numbers.Status} for the numbers.");
                }

                if (numbers.Value!.Numbers?.FirstOrDefault(n => Digits(n.Digits ?? "") is { Length: > 0 } d && d.EndsWith(digits, StringComparison.Ordinal)) is { } found)
                {
                    return (s with { NumberId = found.Id, SubjectName = found.Name ?? given, TimeZone = found.TimeZone, Windows = window }, 1, null);
                }

                return More(numbers.Value.Meta, numbers.Value.Numbers?.Count ?? 0, s.ResolvePage)
                    ? (s with { ResolvePage = s.ResolvePage + 1 }, 1, null)
                    : (s, 1, TextKeys.AuditErrorUnknownNumber);

            case UserSubject when IsId(given, out var id):
                var user = await aircall.UserAsync(id, Requester, ct);
                return user.Status switch
                {
                    AircallStatus.Ok => (s with { UserId = id, SubjectName = user.Value!.User?.Name ?? given, TimeZone = user.Value.User?.TimeZone, Windows = window }, 1, null),
                    AircallStatus.NotFound => (s, 1, TextKeys.AuditErrorUnknownUser),
                    AircallStatus.Unauthorized => (s, 1, TextKeys.AuditErrorAircall),
                    _ => throw new HttpRequestException($"Aircall answered {user.Status} for the audit's user."),
                };

            default:
                var users = await aircall.UsersPageAsync(s.ResolvePage, Requester, ct);
                if (users.Status is AircallStatus.Unauthorized or AircallStatus.NotFound)
                {
                    return (s, 1, TextKeys.AuditErrorAircall);
                }

                if (users.Status != AircallStatus.Ok)
                {
                    throw new HttpRequestException($"Aircall answered {users.Status} for the users.");
                }

                if (users.Value!.Users?.FirstOrDefault(u => string.Equals(u.Email, given, StringComparison.OrdinalIgnoreCase)) is { } match)
                {
                    return (s with { UserId = match.Id, SubjectName = match.Name ?? given, TimeZone = match.TimeZone, Windows = window }, 1, null);
                }

                return More(users.Value.Meta, users.Value.Users?.Count ?? 0, s.ResolvePage)
                    ? (s with { ResolvePage = s.ResolvePage + 1 }, 1, null)
                    : (s, 1, TextKeys.AuditErrorUnknownUser);
        }
    }

    /// <summary>Reads the next page of the oldest window, or narrows a window whose calls pass the 10,000-item cap.</summary>
    private async Task<(AuditState State, int Requests, string? Error)> ReadPageAsync(AuditWork work, CancellationToken ct)
    {
        var s = work.State;
        var windows = s.Windows!.ToList();
        var window = windows[0];
        var page = await aircall.CallsPageAsync(window.From, window.To, window.Page, s.UserId, Requester, ct);
        if (page.Status is AircallStatus.Unauthorized or AircallStatus.NotFound)
        {
            // Retrying cannot help: the credentials are refused, or this account has no such listing.
            return (s, 1, TextKeys.AuditErrorAircall);
        }

        if (page.Status != AircallStatus.Ok)
        {
            // Retried by the outbox with backoff; the state is the one before this page.
            throw new HttpRequestException($"Aircall answered {page.Status} for a page of calls.");
        }

        var calls = page.Value!.Calls ?? [];
        var total = page.Value.Meta?.Total ?? calls.Count;
        if (window.Page == 1 && total > MaxItemsPerQuery && window.To - window.From > 1)
        {
            // Aircall pages through 10,000 items at most: the two halves are read instead.
            var middle = window.From + (window.To - window.From) / 2;
            windows.RemoveAt(0);
            windows.InsertRange(0, [new AuditWindow(window.From, middle, 1), new AuditWindow(middle, window.To, 1)]);
            return (s with { Windows = windows }, 1, null);
        }

        var requests = 1;
        var state = s;
        var rows = new List<AuditRow>();
        foreach (var call in calls.Where(c => c.StartedAt is { } at && at >= window.From && at < window.To))
        {
            (state, var extra) = await FoldAsync(state, call, work.Language, rows, ct);
            requests += extra;
        }

        if (rows.Count > 0)
        {
            // Keyed by the page's place in the audit: a page read again after a crash replaces its rows.
            await audits.SaveRowsAsync(work.AuditId, s.PagesRead.ToString("D6", CultureInfo.InvariantCulture),
                System.Text.Json.JsonSerializer.Serialize(rows, AuditJson.Default.ListAuditRow), ct);
        }

        windows[0] = window with { Page = window.Page + 1 };
        if (!More(page.Value.Meta, calls.Count, window.Page))
        {
            windows.RemoveAt(0);
        }

        return (state with { Windows = windows, PagesRead = state.PagesRead + 1 }, requests, null);
    }

    /// <summary>One call into the findings: diagnosed from its data, its number's switch and the user's other calls.</summary>
    private async Task<(AuditState State, int Requests)> FoldAsync(AuditState s, AircallCall call, string language, List<AuditRow> rows, CancellationToken ct)
    {
        var requests = 0;
        var recent = s.Recent;
        if (call.User is { } user && call.StartedAt is { } start)
        {
            recent = [.. s.Recent.Where(r => r.UserId != user.Id).Concat(s.Recent.Where(r => r.UserId == user.Id).TakeLast(RecentPerUser - 1)),
                new AuditRecentCall(call.Id, user.Id, start, call.EndedAt)];
        }

        if (s.NumberId is { } audited && call.Number?.Id != audited)
        {
            // Another number's call: only kept to find parallel calls.
            return (s with { Recent = recent }, 0);
        }

        var expects = call.ExpectsRecording;
        s = s with { Recent = recent, Scanned = s.Scanned + 1, ExpectedWith = s.ExpectedWith + (expects ? 1 : 0) };
        if (!string.IsNullOrEmpty(call.Recording))
        {
            return (s with { Healthy = s.Healthy + 1, MissingRun = expects ? 0 : s.MissingRun, MissingRunSince = expects ? null : s.MissingRunSince }, 0);
        }

        var facts = new List<Fact>(mapper.MapCall(call));
        var known = s.KnownNumbers;
        if (call.Number is { } number)
        {
            if (known.FirstOrDefault(n => n.Id == number.Id) is not { } state)
            {
                state = await LookUpAsync(number.Id, ct);
                requests++;
                known = [.. known, state];
            }

            facts.AddRange(state.Missing
                ? mapper.MapNumber(number.Id, AircallResult<AircallNumber>.Fail(AircallStatus.NotFound))
                : mapper.MapNumber(number.Id, AircallResult<AircallNumber>.Ok(new AircallNumber(number.Id, state.Name, state.Recording))));
        }

        if (call.User is { } agent && call.StartedAt is not null)
        {
            var others = recent.Where(r => r.UserId == agent.Id && r.Id != call.Id)
                .Select(r => new AircallCall(r.Id, "done", null, r.Start, null, r.End, null, null, null, null, null, null)).ToList();
            facts.Add(mapper.MapParallel(call, others));
        }

        var known1 = FactSet.From(facts);
        var assessments = Evaluator.AssessAll(knowledge.Rules, known1);
        var confirmed = assessments.Where(a => a.Status == CauseStatus.Confirmed).Select(a => a.Cause.Id).ToList();
        var possible = confirmed.Count > 0 ? [] : assessments.Where(a => a.Status == CauseStatus.Possible).Select(a => a.Cause.Id).ToList();
        var evidence = string.Join(" ", facts.Select(f => _composer.FormatEvidence(f.Evidence, language)).Distinct());
        var talk = call is { AnsweredAt: { } a, EndedAt: { } e } ? e - a : (long?)null;
        var row = new AuditRow(call.Id, call.StartedAt ?? 0, call.Direction, call.User?.Name, talk, expects, confirmed, possible, evidence);
        rows.Add(row);
        s = s with { KnownNumbers = known };
        if (!expects)
        {
            return (s with { ExpectedWithout = s.ExpectedWithout + 1 }, requests);
        }

        var causes = s.Causes.ToDictionary(c => c.Cause, StringComparer.Ordinal);
        foreach (var cause in confirmed.Concat(possible).Distinct())
        {
            var count = causes.GetValueOrDefault(cause) ?? new AuditCauseCount(cause, 0, 0);
            causes[cause] = confirmed.Contains(cause) ? count with { Confirmed = count.Confirmed + 1 } : count with { Possible = count.Possible + 1 };
        }

        return (s with
        {
            Missing = s.Missing + 1,
            Causes = [.. causes.Values.OrderByDescending(c => c.Confirmed + c.Possible).ThenBy(c => c.Cause, StringComparer.Ordinal)],
            Agents = Add(s.Agents, call.User?.Name ?? "—"),
            Numbers = Add(s.Numbers, call.Number?.Name ?? "—"),
            MissingRun = s.MissingRun + 1,
            MissingRunSince = s.MissingRunSince ?? call.StartedAt,
            FirstAffected = s.FirstAffected ?? row,
            LastAffected = row,
        }, requests);
    }

    private async Task<AuditNumber> LookUpAsync(long numberId, CancellationToken ct)
    {
        if (await deletedNumbers.DeletedAtAsync(numberId, ct) is not null)
        {
            return new AuditNumber(numberId, null, null, Missing: true);
        }

        var found = await aircall.GetNumberAsync(numberId, Requester, ct);
        return found.Status switch
        {
            AircallStatus.Ok => Known(found.Value!),
            AircallStatus.NotFound => new AuditNumber(numberId, null, null, Missing: true),
            _ => new AuditNumber(numberId, null, null, Missing: false),
        };
    }

    private static AuditNumber Known(AircallNumber number) => new(number.Id, number.Name, number.LiveRecordingActivated, Missing: false);

    private static IReadOnlyDictionary<string, int> Add(IReadOnlyDictionary<string, int> counts, string key)
    {
        var copy = new Dictionary<string, int>(counts, StringComparer.Ordinal);
        copy[key] = copy.GetValueOrDefault(key) + 1;
        return copy;
    }

    /// <summary>Whether another page follows the one just read.</summary>
    private static bool More(AircallMeta? meta, int count, int page) => count >= AircallClient.PageSize && meta?.HasMore(page) == true;

    /// <summary>An Aircall id (a short positive number), not digits of a phone number or an email.</summary>
    private static bool IsId(string given, out long id)
    {
        id = 0;
        return given.Length <= 9 && long.TryParse(given, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;
    }

    private static string Digits(string text) => new([.. text.Where(char.IsAsciiDigit)]);

    /// <summary>The result: counts by cause, the sentence that answers the question, the chart and the CSV.</summary>
    private async Task<Delivery> ResultAsync(AuditWork work, CancellationToken ct)
    {
        var result = AuditResult.From(work, knowledge.Texts);
        var (chart, csv) = await reports.SaveAsync(work, result, ct);
        var reply = new AuditReply(work.Language, work.AuditId, result.Title, result.Lines, Running: false) { ChartUrl = reports.LinksArePublic ? chart : null, CsvUrl = csv };
        return new AuditMessageDelivery(work.Target, work.AuditId, Render(work.Target, reply));
    }

    private AuditMessageDelivery Message(AuditWork work, string line, bool running) =>
        new(work.Target, work.AuditId, Render(work.Target, new AuditReply(work.Language, work.AuditId, AuditResult.TitleOf(work, knowledge.Texts), [line], running)));

    private string Say(AuditWork work, string key, params (string Name, string Value)[] args) => knowledge.Texts.Get(work.Language, key, args);

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The audit's message for its place's channel (no customer phone number is in it).</summary>
    private JsonObject Render(PlaceAddress target, AuditReply reply) => poster.Render(target, reply, maskPhoneNumbers: false);

    public async Task DeliverAsync(Delivery delivery, CancellationToken ct)
    {
        if (delivery is not AuditMessageDelivery message)
        {
            throw new InvalidOperationException($"Not an audit delivery: {delivery.GetType().Name}.");
        }

        if (await audits.MessageAsync(message.AuditId, ct) is { } id)
        {
            await poster.UpdateAsync(message.Target, id, message.Message, ct);
        }
        else if (await poster.PostAsync(message.Target, message.Message, ct) is { } posted)
        {
            await audits.SetMessageAsync(message.AuditId, posted, ct);
        }
    }
}
