using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Tests.Cards;

/// <summary>Every reply kind the bot can produce, in every language, with representative and hostile data.</summary>
internal static class SampleReplies
{
    public static readonly Knowledge Knowledge = Knowledge.LoadEmbedded();

    /// <summary>User text that tries every injection: quotes, newlines, template syntax, HTML, mrkdwn, markdown, mentions.</summary>
    public const string HostileText = "He said \"hi\"\nthen ${name} ${$root.x} <b>&amp;</b> *bold* _it_ ~s~ `code` ```block``` [x](http://e.x) <@U123|bob> <!channel> \\ done";

    /// <summary>The same hostility without template syntax, for checkers that flag any leftover "${".</summary>
    public const string HostileTextWithoutTemplateSyntax = "He said \"hi\"\n<b>&amp;</b> *bold* _it_ `code` [x](http://e.x) <@U123|bob> \\ done";

    public static IEnumerable<(string Name, Reply Reply)> All(string userText = HostileText)
    {
        foreach (var language in Languages.Supported)
        {
            foreach (var sample in For(language, userText))
            {
                yield return ($"{sample.Name}.{language}", sample.Reply);
            }
        }
    }

    public static IEnumerable<(string Name, Reply Reply)> For(string language, string userText = HostileText)
    {
        var composer = new ReplyComposer(Knowledge);
        var rules = Knowledge.Rules;

        foreach (var fact in new[] { "answered", "talk-seconds", "direction" })
        {
            var question = composer.Question(rules.FactsById[fact], language, "c0ffee", 2);
            yield return ($"question-{fact}", question with { Notices = [composer.Text(language, TextKeys.NoticeLookupOff)] });
        }

        var facts = FactSet.From(
        [
            new Fact("answered", FactValue.Yes, FactSource.Api, Evidence.Of(TextKeys.ApiAnswered, ("callId", "1234567"), ("answeredAt", EvidenceValue.DateTime(1_779_526_810)))),
            new Fact("talk-seconds", FactValue.Seconds(3), FactSource.Text, Evidence.Of(TextKeys.EvidenceText, ("quote", userText))),
            new Fact("recording-enabled", FactValue.No, FactSource.Answer, Evidence.Of(TextKeys.EvidenceAnswer, ("question", "Q?"), ("answer", "No"))),
            new Fact("link-visible", FactValue.Yes, FactSource.Api, Evidence.Of(TextKeys.ApiRecordingLink, ("callId", "1234567"))),
            new Fact("number-exists", FactValue.No, FactSource.Api, Evidence.Of(TextKeys.ApiNumberDeleted, ("numberId", "2008"))),
        ]);
        var all = rules.Facts.Select(f => f.Id).ToHashSet();
        var confirmed = (Diagnosis)Diagnoser.Decide(rules, facts, all);
        yield return ("diagnosis-confirmed", composer.Diagnosis(confirmed, facts, language, "d1a9", "1234567") with { Notices = [userText] });

        var possible = (Diagnosis)Diagnoser.Decide(rules, FactSet.Empty, all);
        yield return ("diagnosis-possible", composer.Diagnosis(possible, FactSet.Empty, language, "d2b8", null));

        // A proactive alert: "Investigate" and "Expected" besides the feedback buttons; the number's name is Aircall's, not ours.
        yield return ("diagnosis-alert", composer.Diagnosis(confirmed, facts, language, "d4e6", "1234567") with
        {
            Notices = [userText],
            Alert = new AlertSource("1234567", 1234, userText),
        });

        var healthy = FactSet.From(new Dictionary<string, string>
        {
            ["answered"] = "yes",
            ["talk-seconds"] = "120",
            ["recording-enabled"] = "yes",
            ["pause-allowed"] = "no",
            ["parallel-second"] = "no",
            ["link-visible"] = "no",
            ["voicemail"] = "no",
        }.Select(kv => new Fact(kv.Key, FactValue.TryParse(kv.Value, out var v) ? v : FactValue.No, FactSource.Answer,
            Evidence.Of(TextKeys.EvidenceText, ("quote", kv.Value)))));
        var none = (Diagnosis)Diagnoser.Decide(rules, healthy, all);
        yield return ("diagnosis-none", composer.Diagnosis(none, healthy, language, "d3c7", "7654321"));

        // An audit: running (Cancel), and done (chart, CSV); the lines carry the user's words where a name appears.
        yield return ("audit-running", new AuditReply(language, "a1b2", "Audit: " + userText, [composer.Text(language, TextKeys.AuditProgress, ("count", "350"), ("missing", "12"))], Running: true));
        yield return ("audit-done", new AuditReply(language, "a1b2", "Audit: " + userText,
            [composer.Text(language, TextKeys.AuditSentenceNone), "Most affected agents: " + userText], Running: false)
        {
            ChartUrl = "https://bot.example.com/reports/a1b2.png?expires=1&sig=ab",
            CsvUrl = "https://bot.example.com/reports/a1b2.csv?expires=1&sig=ab",
        });

        // A link's status (a Slack unfurl, a Teams link preview): without a recording (Diagnose), and recorded.
        var summary = composer.Text(language, TextKeys.LinkSummaryInbound, ("number", userText), ("agent", userText), ("when", "23 May 2026 09:00"),
            ("talk", composer.Text(language, TextKeys.LinkTalk, ("duration", "2 min"))));
        yield return ("link-missing", new CallStatusReply(language, "1234567", composer.Text(language, TextKeys.LinkTitle, ("callId", "1234567")), summary, false,
            composer.Text(language, TextKeys.LinkCauseConfirmed, ("causes", composer.Text(language, "cause.recording-disabled.title"))),
            DiagnosisKind.Confirmed, ["recording-disabled"], [], "https://dashboard.aircall.io/calls/1234567",
            composer.Text(language, TextKeys.CardLinkOpen), composer.Text(language, TextKeys.CardLinkDiagnose)));
        yield return ("link-recorded", new CallStatusReply(language, "1234567", composer.Text(language, TextKeys.LinkTitle, ("callId", "1234567")), summary, true,
            composer.Text(language, TextKeys.LinkRecorded), null, [], [], "https://dashboard.aircall.io/calls/1234567",
            composer.Text(language, TextKeys.CardLinkOpen), composer.Text(language, TextKeys.CardLinkDiagnose)));

        yield return ("help", composer.Help(language));
        yield return ("not-ready", new NotReadyReply(language, "1000010",
            composer.Text(language, TextKeys.NoticeNotReady, ("callId", "1000010"), ("delay", "1 min")), TimeSpan.FromMinutes(1)));
        yield return ("message-error", composer.Message(language, MessageKind.Error, TextKeys.ErrorGeneric));
        yield return ("message-info", composer.Message(language, MessageKind.Info, TextKeys.ErrorExpired));
    }
}
