using System.Text;
using System.Text.Json.Nodes;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Diagnostics.Texts;

namespace ChatTroubleshooter.Cards;

/// <summary>
/// Turns a channel-neutral reply into the data a card template binds to. Texts come from the reply and the
/// text catalog only; fields ending in <c>Md</c> are the same text escaped for Slack mrkdwn.
/// </summary>
internal static class CardData
{
    public static JsonObject From(Reply reply, TextCatalog texts)
    {
        var lang = reply.Language;
        var data = new JsonObject
        {
            ["lang"] = lang,
            ["notices"] = new JsonArray(reply.Notices.Select(n => (JsonNode)new JsonObject { ["text"] = n }).ToArray()),
            ["hasNotices"] = reply.Notices.Count > 0,
        };

        switch (reply)
        {
            case QuestionReply q:
                data["factId"] = q.FactId;
                data["progress"] = q.Progress;
                data["text"] = q.Text;
                data["textMd"] = SlackText.Escape(q.Text);
                data["options"] = new JsonArray(q.Options.Select(o => (JsonNode)new JsonObject
                {
                    ["label"] = o.Label,
                    ["value"] = o.Value,
                    ["data"] = ButtonValues.ToJson(Answer(q, o.Value)),
                    ["slackValue"] = ButtonValues.ToText(Answer(q, o.Value)),
                }).ToArray());
                RestartButton restart = new(q.ConversationKey);
                data["startOver"] = new JsonObject
                {
                    ["label"] = texts.Get(lang, TextKeys.CardStartOver),
                    ["data"] = ButtonValues.ToJson(restart),
                    ["slackValue"] = ButtonValues.ToText(restart),
                };
                break;

            case DiagnosisReply d:
                var confirmed = d.Kind == DiagnosisKind.Confirmed;
                data["kind"] = d.Kind.ToString();
                data["isConfirmed"] = confirmed;
                data["title"] = d.Title;
                data["hasIntro"] = d.Intro is not null;
                data["intro"] = d.Intro ?? "";
                data["hasCall"] = d.CallLabel is not null;
                data["callLabel"] = d.CallLabel ?? "";
                data["evidenceTitle"] = d.EvidenceTitle;
                data["stepsTitle"] = d.StepsTitle;
                data["stepsTitleMd"] = SlackText.Escape(d.StepsTitle);
                data["causes"] = new JsonArray(d.Causes.Select(c => (JsonNode)Cause(c, d)).ToArray());
                data["showEscalation"] = !confirmed || d.Escalated;
                data["feedbackDone"] = d.FeedbackThanks is not null;
                data["feedbackThanks"] = d.FeedbackThanks ?? "";
                data["showFeedback"] = confirmed && d.FeedbackThanks is null;
                data["showNotSolved"] = d.FeedbackThanks is null;
                data["showSlackActions"] = d.FeedbackThanks is null || !confirmed || d.Escalated;
                data["escalation"] = d.Escalation;
                FeedbackButton solved = new(d.DiagnosisId, Helpful: true), notSolved = new(d.DiagnosisId, Helpful: false);
                data["feedback"] = new JsonObject
                {
                    ["solved"] = texts.Get(lang, TextKeys.CardSolved),
                    ["notSolved"] = texts.Get(lang, TextKeys.CardNotSolved),
                    ["details"] = texts.Get(lang, TextKeys.CardDetails),
                    ["copySummary"] = texts.Get(lang, TextKeys.CardCopySummary),
                    ["slackSummary"] = ButtonValues.ToText(new SummaryButton(d.DiagnosisId)),
                    ["draft"] = texts.Get(lang, TextKeys.CardDraft),
                    ["draftData"] = ButtonValues.ToJson(new DraftButton(d.DiagnosisId, null)),
                    ["slackDraft"] = ButtonValues.ToText(new DraftButton(d.DiagnosisId, null)),
                    ["solvedData"] = ButtonValues.ToJson(solved),
                    ["notSolvedData"] = ButtonValues.ToJson(notSolved),
                    ["slackSolved"] = ButtonValues.ToText(solved),
                    ["slackNotSolved"] = ButtonValues.ToText(notSolved),
                };
                data["showAlert"] = d.Alert is not null && d.FeedbackThanks is null;
                if (d.Alert is { } alert)
                {
                    var investigate = new InvestigateButton(d.DiagnosisId, alert.CallId);
                    data["alert"] = new JsonObject
                    {
                        ["investigate"] = texts.Get(lang, TextKeys.CardAlertInvestigate),
                        ["investigateData"] = ButtonValues.ToJson(investigate),
                        ["slackInvestigate"] = ButtonValues.ToText(investigate),
                        ["showExpected"] = alert.NumberId is not null && d.FeedbackThanks is null,
                        ["expected"] = texts.Get(lang, TextKeys.CardAlertExpected),
                        ["slackExpected"] = alert.NumberId is { } number ? ButtonValues.ToText(new MuteButton(d.DiagnosisId, number, alert.NumberName)) : "",
                        ["expectedData"] = alert.NumberId is { } muted ? ButtonValues.ToJson(new MuteButton(d.DiagnosisId, muted, alert.NumberName)) : null,
                    };
                }

                break;

            case HelpReply h:
                data["title"] = h.Title;
                data["body"] = h.Body;
                data["examplesTitle"] = texts.Get(lang, TextKeys.CardExamples);
                data["examplesTitleMd"] = SlackText.Escape(texts.Get(lang, TextKeys.CardExamples));
                data["examples"] = new JsonArray(h.Examples.Select(e => (JsonNode)new JsonObject { ["text"] = e }).ToArray());
                data["examplesMd"] = string.Join('\n', h.Examples.Select(e => "• `" + SlackText.Escape(e) + "`"));
                break;

            case NotReadyReply n:
                data["title"] = texts.Get(lang, TextKeys.CardNotReadyTitle);
                data["titleMd"] = SlackText.Escape(texts.Get(lang, TextKeys.CardNotReadyTitle));
                data["text"] = n.Text;
                data["textMd"] = SlackText.Escape(n.Text);
                data["callId"] = n.CallId;
                break;

            case DraftReply dr:
                data["title"] = dr.Title;
                data["text"] = dr.Text;
                data["languages"] = new JsonArray(Languages.Supported.Select(l => (JsonNode)new JsonObject
                {
                    ["label"] = texts.Get(l, TextKeys.LanguageName),
                    ["data"] = ButtonValues.ToJson(new DraftButton(dr.DiagnosisId, l)),
                    ["slackValue"] = ButtonValues.ToText(new DraftButton(dr.DiagnosisId, l)),
                    ["actionId"] = "draft:" + l,
                }).ToArray());
                data["back"] = texts.Get(lang, TextKeys.CardBackToDiagnosis);
                data["backData"] = ButtonValues.ToJson(new DiagnosisButton(dr.DiagnosisId));
                break;

            case SummaryReply su:
                data["title"] = su.Title;
                data["titleMd"] = SlackText.Escape(su.Title);
                data["text"] = su.Text;
                data["textMd"] = SlackText.Escape(su.Text);
                break;

            case AuditReply a:
                data["title"] = a.Title;
                data["lines"] = new JsonArray(a.Lines.Select(l => (JsonNode)new JsonObject { ["text"] = l, ["textMd"] = SlackText.Escape(l) }).ToArray());
                data["running"] = a.Running;
                data["cancel"] = texts.Get(lang, TextKeys.AuditCardCancel);
                data["cancelData"] = ButtonValues.ToJson(new CancelAuditButton(a.AuditId));
                data["slackCancel"] = ButtonValues.ToText(new CancelAuditButton(a.AuditId));
                data["hasChart"] = a.ChartUrl is not null;
                data["chartUrl"] = a.ChartUrl ?? "";
                data["chartAlt"] = a.Title;
                data["hasCsv"] = a.CsvUrl is not null;
                data["csvUrl"] = a.CsvUrl ?? "";
                data["csv"] = texts.Get(lang, TextKeys.AuditCardCsv);
                data["hasActions"] = a.Running || a.CsvUrl is not null;
                break;

            case CallStatusReply l:
                data["callId"] = l.CallId;
                data["title"] = l.Title;
                data["titleMd"] = SlackText.Escape(l.Title);
                data["summary"] = l.Summary;
                data["summaryMd"] = SlackText.Escape(l.Summary);
                data["status"] = l.Status;
                data["statusMd"] = SlackText.Escape(l.Status);
                data["recorded"] = l.Recorded;
                data["statusIcon"] = l.Recorded ? ":white_check_mark:" : ":red_circle:";
                data["statusColor"] = l.Recorded ? "Good" : "Attention";
                data["url"] = l.DashboardUrl;
                data["openLabel"] = l.OpenLabel;
                data["diagnoseLabel"] = l.DiagnoseLabel;
                data["slackDiagnose"] = ButtonValues.ToText(new DiagnoseCallButton(l.CallId));
                break;

            case StatsReply st:
                data["title"] = st.Title;
                data["table"] = st.Table;
                data["tableMd"] = SlackText.Escape(st.Table);
                break;

            case MessageReply m:
                data["text"] = m.Text;
                data["color"] = m.Kind == MessageKind.Error ? "Attention" : "Default";
                break;
        }

        return data;
    }

    private static AnswerButton Answer(QuestionReply q, string value) => new(q.ConversationKey ?? "", q.ConversationId, q.FactId, value);

    /// <summary>The data of a question once answered: the same question, read-only, with the answer.</summary>
    public static JsonObject Answered(QuestionReply question, string value, TextCatalog texts)
    {
        var data = From(question, texts);
        var label = question.Options.FirstOrDefault(o => o.Value == value)?.Label ?? value;
        var answer = texts.Get(question.Language, TextKeys.CardYourAnswer, ("answer", label));
        data["answerLabel"] = answer;
        data["answerLabelMd"] = SlackText.Escape(answer);
        return data;
    }

    private static JsonObject Cause(ReplyCause c, DiagnosisReply d)
    {
        var evidenceMd = c.Evidence.Count == 0
            ? ""
            : $"\n\n*{SlackText.Escape(d.EvidenceTitle)}*\n" + string.Join('\n', c.Evidence.Select(e => "• " + SlackText.Escape(e)));
        var linksMd = string.Concat(c.Links.Select(l => $"\n<{l.Url}|{SlackText.EscapeLinkText(l.Text)}>"));
        return new JsonObject
        {
            ["id"] = c.Id,
            ["status"] = c.Status.ToString(),
            ["title"] = c.Title,
            ["titleMd"] = SlackText.Escape(c.Title),
            ["explanation"] = c.Explanation,
            ["explanationMd"] = SlackText.Escape(c.Explanation),
            ["hasEvidence"] = c.Evidence.Count > 0,
            ["evidence"] = new JsonArray(c.Evidence.Select(e => (JsonNode)new JsonObject { ["text"] = e }).ToArray()),
            ["evidenceMd"] = evidenceMd,
            ["steps"] = new JsonArray(c.Steps.Select((s, i) => (JsonNode)new JsonObject { ["number"] = i + 1, ["text"] = s }).ToArray()),
            ["stepsMd"] = string.Join('\n', c.Steps.Select((s, i) => $"{i + 1}. {SlackText.Escape(s)}")),
            ["hasLinks"] = c.Links.Count > 0,
            ["links"] = new JsonArray(c.Links.Select(l => (JsonNode)new JsonObject { ["text"] = l.Text, ["url"] = l.Url }).ToArray()),
            ["linksMd"] = linksMd,
        };
    }
}

/// <summary>Slack mrkdwn escaping: user text shows as typed, never as markup, mentions or links.</summary>
internal static class SlackText
{
    private const char ZeroWidthSpace = '\u200B';

    /// <summary>Escapes &amp;, &lt; and &gt; as Slack requires, and breaks *, _, ~ and ` so they cannot format.</summary>
    public static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '*' or '_' or '~' or '`': sb.Append(c).Append(ZeroWidthSpace); break;
                default: sb.Append(c); break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Link text inside &lt;url|text&gt;: also no '|'.</summary>
    public static string EscapeLinkText(string text) => Escape(text).Replace('|', '¦');
}
