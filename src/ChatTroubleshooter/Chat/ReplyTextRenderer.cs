using System.Text;
using ChatTroubleshooter.Diagnostics.Replies;

namespace ChatTroubleshooter.Chat;

/// <summary>Renders replies as plain text for the terminal; questions get numbered options.</summary>
internal static class ReplyTextRenderer
{
    public static string Render(Reply reply)
    {
        var text = new StringBuilder();
        foreach (var notice in reply.Notices)
        {
            text.Append("(i) ").AppendLine(notice);
        }

        switch (reply)
        {
            case QuestionReply question:
                text.Append('[').Append(question.Progress).Append("] ").AppendLine(question.Text);
                for (var i = 0; i < question.Options.Count; i++)
                {
                    text.Append("  ").Append(i + 1).Append(". ").AppendLine(question.Options[i].Label);
                }

                break;

            case DiagnosisReply diagnosis:
                text.Append("== ").Append(diagnosis.Title).AppendLine(" ==");
                if (diagnosis.CallLabel is not null) text.AppendLine(diagnosis.CallLabel);
                if (diagnosis.Intro is not null) text.AppendLine(diagnosis.Intro);
                foreach (var cause in diagnosis.Causes)
                {
                    text.AppendLine().Append("* ").AppendLine(cause.Title);
                    text.Append("  ").AppendLine(cause.Explanation);
                    if (cause.Evidence.Count > 0)
                    {
                        text.Append("  ").Append(diagnosis.EvidenceTitle).AppendLine(":");
                        foreach (var line in cause.Evidence) text.Append("   - ").AppendLine(line);
                    }

                    text.Append("  ").Append(diagnosis.StepsTitle).AppendLine(":");
                    for (var i = 0; i < cause.Steps.Count; i++) text.Append("   ").Append(i + 1).Append(". ").AppendLine(cause.Steps[i]);
                    foreach (var link in cause.Links) text.Append("  ").Append(link.Text).Append(": ").AppendLine(link.Url);
                }

                if (diagnosis.Kind != Diagnostics.Evaluation.DiagnosisKind.Confirmed)
                {
                    text.AppendLine().Append(diagnosis.CheckedTitle).AppendLine(":");
                    foreach (var line in diagnosis.Checked) text.Append(" - ").AppendLine(line);
                    text.AppendLine().AppendLine(diagnosis.Escalation);
                }

                break;

            case HelpReply help:
                text.AppendLine(help.Title).AppendLine(help.Body);
                foreach (var example in help.Examples) text.Append("  > ").AppendLine(example);
                break;

            case NotReadyReply notReady:
                text.AppendLine(notReady.Text);
                break;

            case MessageReply message:
                text.AppendLine(message.Text);
                break;

            case DraftReply draft:
                text.Append("== ").Append(draft.Title).AppendLine(" ==").AppendLine().AppendLine(draft.Text);
                break;

            case SummaryReply summary:
                text.AppendLine(summary.Text);
                break;

            case StatsReply stats:
                text.AppendLine(stats.Title).AppendLine(stats.Table);
                break;
        }

        return text.ToString().TrimEnd();
    }
}
