using ChatTroubleshooter.Cards;
using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Diagnostics.Evaluation;
using ChatTroubleshooter.Diagnostics.Facts;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Teams;

namespace ChatTroubleshooter.Tests.Cards;

/// <summary>
/// Issue 34 (4): every diagnosis carries what it found in the platform's own mechanism, for workflows and other apps:
/// the Slack message's <c>metadata</c> and the Teams activity's entity, with exactly the confirmed causes.
/// </summary>
public sealed class DiagnosisMetadataTests
{
    private static readonly Knowledge Knowledge = Knowledge.LoadEmbedded();
    private static readonly CardRenderer Cards = new(Knowledge);

    public static TheoryData<string> Causes() => [.. Knowledge.Rules.Causes.Select(c => c.Id)];

    [Fact]
    public void TheRulesHaveTheEightCausesOfTheArticle() =>
        Assert.Equal(
            ["call-not-answered", "number-deleted", "parallel-call", "recording-disabled", "recording-paused", "too-long", "too-short", "voicemail-too-short"],
            Knowledge.Rules.Causes.Select(c => c.Id).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Causes))]
    public void AConfirmedDiagnosis_CarriesExactlyItsConfirmedCause_OnSlackAndTeams(string causeId)
    {
        var reply = Reply(DiagnosisKind.Confirmed, (causeId, CauseStatus.Confirmed), (Other(causeId), CauseStatus.RuledOut));

        var slack = Cards.Slack(reply, maskPhoneNumbers: true)["metadata"]!;
        var teams = Assert.Single(TeamsWorkHandler.Activity(Cards.Teams(reply), "summary", metadata: DiagnosisMetadata.Of(reply))["entities"]!.AsArray())!;

        Assert.Equal("aircall_recording_diagnosis", (string?)slack["event_type"]);
        Assert.Equal("aircall_recording_diagnosis", (string?)teams["type"]);
        foreach (var payload in new[] { slack["event_payload"]!, teams })
        {
            Assert.Equal(("1234567", "d-" + causeId, "confirmed", "fr"),
                ((string?)payload["call_id"], (string?)payload["diagnosis_id"], (string?)payload["kind"], (string?)payload["language"]));
            Assert.Equal([causeId], payload["confirmed_causes"]!.AsArray().Select(c => (string?)c));
            Assert.Empty(payload["possible_causes"]!.AsArray());
        }
    }

    [Fact]
    public void APossibleDiagnosis_ListsThePossibleCauses_AndConfirmsNone()
    {
        var reply = Reply(DiagnosisKind.Possible, ("too-short", CauseStatus.Possible), ("recording-disabled", CauseStatus.Possible), ("too-long", CauseStatus.RuledOut));

        var payload = Cards.Slack(reply)["metadata"]!["event_payload"]!;

        Assert.Equal("possible", (string?)payload["kind"]);
        Assert.Empty(payload["confirmed_causes"]!.AsArray());
        Assert.Equal(["recording-disabled", "too-short"], payload["possible_causes"]!.AsArray().Select(c => (string?)c).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void NoKnownCause_IsKindNone()
    {
        var reply = Reply(DiagnosisKind.NoKnownCause, ("too-short", CauseStatus.RuledOut));

        Assert.Equal("none", (string?)Cards.Slack(reply)["metadata"]!["event_payload"]!["kind"]);
    }

    [Fact]
    public void OtherReplies_CarryNoDiagnosisMetadata()
    {
        var help = new ReplyComposer(Knowledge).Help("en");

        Assert.Null(Cards.Slack(help)["metadata"]);
        Assert.Null(TeamsWorkHandler.Activity(Cards.Teams(help), "summary", metadata: DiagnosisMetadata.Of(help))["entities"]);
    }

    [Fact]
    public void ADiagnosisOfADescribedCall_LeavesTheCallIdOut()
    {
        var reply = new ReplyComposer(Knowledge).Diagnosis(
            new Diagnosis(DiagnosisKind.Confirmed, [new CauseAssessment(Knowledge.Rules.Causes[0], CauseStatus.Confirmed, null)]), FactSet.From([]), "en", "d1", null);

        Assert.False(Cards.Slack(reply)["metadata"]!["event_payload"]!.AsObject().ContainsKey("call_id"));
    }

    private static string Other(string causeId) => Knowledge.Rules.Causes.First(c => c.Id != causeId).Id;

    private static DiagnosisReply Reply(DiagnosisKind kind, params (string Id, CauseStatus Status)[] causes)
    {
        var assessments = causes.Select(c => new CauseAssessment(Knowledge.Rules.Causes.Single(d => d.Id == c.Id), c.Status, null)).ToList();
        var id = kind == DiagnosisKind.Confirmed ? "d-" + causes[0].Id : "d-other";
        return new ReplyComposer(Knowledge).Diagnosis(new Diagnosis(kind, assessments), FactSet.From([]), "fr", id, "1234567");
    }
}
