using ChatTroubleshooter.Diagnostics;
using ChatTroubleshooter.Observability;

namespace ChatTroubleshooter.Cards;

public static class CardExtensions
{
    /// <summary>Registers the card renderer over the templates in <c>cards/</c> (copied next to the app).</summary>
    public static IHostApplicationBuilder AddCards(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp => new CardRenderer(sp.GetRequiredService<Knowledge>()));
        builder.Services.AddHealthChecks().AddLoadedCheck<CardRenderer>("cards");
        return builder;
    }
}
