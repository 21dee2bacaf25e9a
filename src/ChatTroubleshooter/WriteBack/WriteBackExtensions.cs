using ChatTroubleshooter.Conversations;
using ChatTroubleshooter.Outbox;

namespace ChatTroubleshooter.WriteBack;

public static class WriteBackExtensions
{
    /// <summary>
    /// Registers the write-back onto Aircall calls (<c>Aircall__WriteBack</c>): the follower that queues a confirmed
    /// diagnosis's tags and comment once per call and says so in the reply, its stored kinds, and the worker that writes.
    /// </summary>
    public static IHostApplicationBuilder AddWriteBack(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WriteBackOptions>().BindConfiguration(WriteBackOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddWriteBackStoredTypes();
        builder.Services.AddSingleton<AircallTags>();
        builder.Services.AddSingleton<IDiagnosisFollower, WriteBackFollower>();
        builder.Services.AddSingleton<IWorkHandler, WriteBackHandler>();
        return builder;
    }
}
