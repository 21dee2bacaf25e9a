using System.ComponentModel.DataAnnotations;

namespace ChatTroubleshooter.Conversations;

public sealed class ConversationOptions
{
    public const string Section = "Conversations";

    /// <summary>A conversation untouched this long is forgotten; a click on it gets a friendly restart message.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(24);
}
