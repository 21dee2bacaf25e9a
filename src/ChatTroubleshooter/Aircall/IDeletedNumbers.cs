namespace ChatTroubleshooter.Aircall;

/// <summary>Numbers Aircall said it deleted (webhook <c>number.deleted</c>): evidence for <c>number-deleted</c> without the API's 404.</summary>
public interface IDeletedNumbers
{
    Task RememberAsync(long numberId, DateTimeOffset at, CancellationToken ct);

    Task<DateTimeOffset?> DeletedAtAsync(long numberId, CancellationToken ct);
}
