using System.ComponentModel.DataAnnotations;

namespace ChatTroubleshooter.Links;

/// <summary>Links to Aircall calls shown with their recording status (environment form: <c>Links__CacheDuration</c>).</summary>
public sealed class LinkOptions
{
    public const string Section = "Links";

    /// <summary>How long a call looked up for a link is reused: at most one Aircall lookup per call id within it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMinutes(5);
}
