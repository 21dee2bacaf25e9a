namespace ChatTroubleshooter.Conversations;

/// <summary>
/// A feature's text command (<c>alerts here</c>, <c>audit …</c>, <c>stats</c>), registered from the feature's <c>AddXxx</c>
/// with <see cref="TurnHandlerExtensions.AddTurnCommand{T}"/>: the core tries each, in registration order, on a message
/// before reading it as a question, and knows none of them.
/// </summary>
public interface ITurnCommand
{
    /// <summary>
    /// The outcome of <paramref name="text"/> (the message without the command word) when it is this command, else null.
    /// <paramref name="language"/> is the one the core answers the message in.
    /// </summary>
    Task<TurnOutcome?> TryAsync(Turn turn, string text, string language, CancellationToken ct);
}

/// <summary>Runs a turn through the conversation core: what a feature's handler calls to go on as a conversation.</summary>
public delegate Task<TurnOutcome> Converse(Turn turn, CancellationToken ct);

/// <summary>
/// The handler of a feature's own intents (an alert's "Expected" and "Investigate", an audit's Cancel), registered from
/// the feature's <c>AddXxx</c> with <see cref="TurnHandlerExtensions.AddIntentHandler{T}"/>.
/// </summary>
public interface IIntentHandler
{
    bool Handles(Intent intent);

    /// <summary>The outcome of <paramref name="turn"/>; <paramref name="converse"/> runs a turn as a conversation (Investigate).</summary>
    Task<TurnOutcome> HandleAsync(Turn turn, Converse converse, CancellationToken ct);
}

public static class TurnHandlerExtensions
{
    public static IServiceCollection AddTurnCommand<T>(this IServiceCollection services)
        where T : class, ITurnCommand => services.AddSingleton<ITurnCommand, T>();

    public static IServiceCollection AddIntentHandler<T>(this IServiceCollection services)
        where T : class, IIntentHandler => services.AddSingleton<IIntentHandler, T>();
}
