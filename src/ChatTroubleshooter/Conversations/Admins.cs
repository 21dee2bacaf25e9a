using System.ComponentModel.DataAnnotations;
using ChatTroubleshooter.Places;
using Microsoft.Extensions.Options;

namespace ChatTroubleshooter.Conversations;

public sealed class AdminOptions : IValidatableObject
{
    /// <summary>Bound from <c>Stats</c> (<c>Stats__AdminUserIds</c>), where admins were first named.</summary>
    public const string Section = "Stats";

    /// <summary>
    /// Admins, each with its channel: <c>slack:U…</c>, <c>teams:29:…</c>. An id without a prefix is read by its shape
    /// (Slack "U…"/"W…", Teams "29:…"); anything else is refused at start. A Teams id never matches a Slack user.
    /// </summary>
#pragma warning disable CA1002, CA2227 // Bound from configuration.
    public List<string> AdminUserIds { get; set; } = [];
#pragma warning restore CA1002, CA2227

    /// <summary>The admins as (channel, user id) pairs; entries that are neither are left out (and fail validation).</summary>
    public IEnumerable<(ChatChannel Channel, string UserId)> Admins() =>
        AdminUserIds.Select(Parse).OfType<(ChatChannel, string)>();

    private static (ChatChannel, string)? Parse(string entry) => entry.Trim() switch
    {
        var e when e.StartsWith("slack:", StringComparison.OrdinalIgnoreCase) && e.Length > 6 => (ChatChannel.Slack, e[6..]),
        var e when e.StartsWith("teams:", StringComparison.OrdinalIgnoreCase) && e.Length > 6 => (ChatChannel.Teams, e[6..]),
        var e when e.StartsWith("29:", StringComparison.Ordinal) => (ChatChannel.Teams, e),
        var e when e.Length > 1 && e[0] is 'U' or 'W' && e.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c)) => (ChatChannel.Slack, e),
        _ => null,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var entry in AdminUserIds.Where(e => Parse(e) is null))
        {
            yield return new ValidationResult(
                $"Stats:AdminUserIds: \"{entry}\" is not a user id; write slack:U… or teams:29:… (the channel, then the user's id).",
                [nameof(AdminUserIds)]);
        }
    }
}

/// <summary>Who may run what only admins may (stats, alerts here|off, audits when <c>Audit__AdminOnly</c>).</summary>
public sealed class Admins(IOptions<AdminOptions> options)
{
    /// <summary>Whether <paramref name="userId"/> of <paramref name="channel"/> is an admin (the terminal's user always is: it runs on the server).</summary>
    public bool IsAdmin(ChatChannel channel, string userId) =>
        channel == ChatChannel.Terminal || options.Value.Admins().Contains((channel, userId));
}
