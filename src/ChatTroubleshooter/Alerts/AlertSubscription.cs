using ChatTroubleshooter.Places;

namespace ChatTroubleshooter.Alerts;

/// <summary>A place an admin asked alerts to go to: which, who asked, since when, and in which language they are written.</summary>
public sealed record AlertSubscription(string Place, PlaceAddress Target, string By, DateTimeOffset Since, string Language);
