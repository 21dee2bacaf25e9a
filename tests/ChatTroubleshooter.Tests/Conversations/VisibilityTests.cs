using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Diagnostics.Replies;
using ChatTroubleshooter.Places;
using ChatTroubleshooter.Tests.Fakes;

namespace ChatTroubleshooter.Tests.Conversations;

/// <summary>
/// Issue 31: the core decides visibility for every way in; adapters only carry. A reply for the user alone (a customer
/// draft, a summary) is withheld where the channel could only show it to everyone (a Teams Action.Submit in a channel),
/// and phone numbers are masked wherever others read.
/// </summary>
public sealed class VisibilityTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Turn Shared(string text) => new(ChatChannel.Teams, "teams:t1:19:c", "29:u", "en-US") { Text = text, Visibility = Visibility.Shared };

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task ADraftAskedInAChannel_IsWithheld_OnlyWhereItCannotBePrivate(bool privateReplyPossible, bool withheld)
    {
        var service = TestConversations.Create();
        var diagnosis = Assert.IsType<DiagnosisReply>(await service.HandleAsync(Shared("We talked for 3 seconds and there is no recording"), Ct));

        var draft = await service.HandleTurnAsync(Shared("") with { Intent = new DraftRequest(diagnosis.DiagnosisId, null), PrivateReplyPossible = privateReplyPossible }, Ct);

        Assert.IsType<DraftReply>(draft.Reply);
        Assert.True(draft.PrivateToUser);
        Assert.Equal(withheld, draft.Withheld);
        Assert.True(draft.MaskPhoneNumbers);
    }

    [Fact]
    public async Task AReplyForEveryone_IsNeverWithheld()
    {
        var outcome = await TestConversations.Create().HandleTurnAsync(Shared("We talked for 3 seconds and there is no recording") with { PrivateReplyPossible = false }, Ct);

        Assert.False(outcome.Withheld);
        Assert.True(outcome.MaskPhoneNumbers);
    }
}
