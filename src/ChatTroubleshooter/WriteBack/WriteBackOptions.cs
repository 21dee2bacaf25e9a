using System.ComponentModel.DataAnnotations;

namespace ChatTroubleshooter.WriteBack;

/// <summary>What the bot writes onto a call in Aircall after a confirmed diagnosis.</summary>
[Flags]
public enum WriteBackTargets
{
    None = 0,

    /// <summary>The tag <c>no-recording:&lt;cause-id&gt;</c> per confirmed cause (created once in Aircall if missing).</summary>
    Tags = 1,

    /// <summary>One comment with the cause, its evidence and who asked.</summary>
    Comments = 2,

    Both = Tags | Comments,
}

/// <summary>Writing diagnoses onto calls (environment form: <c>Aircall__WriteBack=tags|comments|both</c>). Off by default.</summary>
public sealed class WriteBackOptions
{
    public const string Section = "Aircall";

    /// <summary>What is written: <c>none</c> (the default), <c>tags</c>, <c>comments</c> or <c>both</c>.</summary>
    public WriteBackTargets WriteBack { get; set; }

    /// <summary>The language of the comments written onto calls: the company's, read by everyone in Aircall.</summary>
    [RegularExpression("^(en|es|fr|de|it|pt|nl)$", ErrorMessage = "Aircall:WriteBackLanguage is one of en, es, fr, de, it, pt, nl.")]
    public string WriteBackLanguage { get; set; } = "en";

    /// <summary>How long a call is remembered as written onto: a later diagnosis of it within this writes nothing more.</summary>
    [Range(typeof(TimeSpan), "1.00:00:00", "400.00:00:00")]
    public TimeSpan WriteBackMemory { get; set; } = TimeSpan.FromDays(180);
}
