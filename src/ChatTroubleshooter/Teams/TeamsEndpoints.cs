using ChatTroubleshooter.Http;
using ChatTroubleshooter.Outbox;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Teams;

/// <summary>
/// <c>POST /api/messages</c>, the Bot Framework Activity endpoint, shaped like Slack's: authenticated by its filter
/// (<see cref="TeamsAuthentication"/>), the body parsed once into an <see cref="Activity"/> and read into typed work
/// (<see cref="TeamsInboundReader"/>), accepted, acknowledged. A card click is answered within its invoke
/// (<see cref="TeamsInvokes"/>).
/// </summary>
public static class TeamsEndpoints
{
    public const string Route = "/api/messages";
    public const string CardActionInvoke = TeamsInboundReader.CardActionInvoke;
    public const string ActivityMessageType = TeamsInvokes.ActivityMessageType;
    public const string ErrorType = TeamsInvokes.ErrorType;

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        var limit = app.ServiceProvider.GetRequiredService<IOptions<TeamsOptions>>().Value.MaxBodyBytes;
        app.MapPost(Route, MessagesAsync).WithMetadata(new RequestSizeLimitAttribute(limit))
            .AddEndpointFilter(app.ServiceProvider.GetRequiredService<TeamsAuthentication>());
        return app;
    }

    private static async Task<IResult> MessagesAsync(
        HttpContext http, TeamsAuthenticator auth, TeamsInboundReader reader, TeamsInvokes invokes, WorkIntake intake, RefusedRequestLog refused, CancellationToken ct)
    {
        var (activity, unreadable) = await RequestBody.ReadJsonAsync(http.Request, TeamsJson.Default.Activity, "Malformed activity", ct);
        if (unreadable is not null)
        {
            return unreadable;
        }

        if (activity?.Type is null)
        {
            return Results.BadRequest("An activity needs a type.");
        }

        // The token's claims must match what the activity says of itself (its service URL, its channel).
        if (TeamsAuthentication.TokenOf(http) is { } token
            && await auth.CheckActivityAsync(token, activity.ServiceUrl, activity.ChannelId, ct) is { } mismatch)
        {
            refused.Refused(TeamsAuthentication.Source, mismatch);
            return Results.Unauthorized();
        }

        return reader.Read(activity) switch
        {
            TeamsInbound.Work { OnceKey: { } key } work => WorkIntake.Ack(http, await intake.AcceptOnceAsync(work.Item, key, work.Window, TeamsAuthentication.Source, ct)),
            TeamsInbound.Work work => WorkIntake.Ack(http, await intake.AcceptAsync(work.Item, TeamsAuthentication.Source, ct)),
            TeamsInbound.CardAction click => await invokes.AnswerAsync(http, click, ct),
            TeamsInbound.LinkQuery query => await invokes.QueryLinkAsync(query, ct),
            TeamsInbound.InvokeRefused error => TeamsInvokes.Error(error.Status, error.Code, error.Message, error.AsHttpStatus),
            TeamsInbound.Refused refusal => Results.BadRequest(refusal.Reason),
            _ => Results.Ok(),
        };
    }
}
