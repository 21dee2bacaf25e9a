namespace ChatTroubleshooter.Audit;

/// <summary>
/// Bulk audits: where each was asked (its Cancel button acts only there), whether it was cancelled, its progress
/// message, the one audit running at a time (others queue), and the report files served at signed links.
/// </summary>
public interface IAuditStore
{
    Task RegisterAsync(string auditId, string place, CancellationToken ct);

    /// <summary>Cancels the audit when asked from where it was asked; false otherwise (or when there is no such audit).</summary>
    Task<bool> CancelAsync(string auditId, string place, CancellationToken ct);

    Task<bool> IsCancelledAsync(string auditId, CancellationToken ct);

    /// <summary>Takes (or keeps) the one running audit's slot until <paramref name="until"/>; false while another audit holds it.</summary>
    Task<bool> TryRunAsync(string auditId, DateTimeOffset now, DateTimeOffset until, CancellationToken ct);

    /// <summary>Frees the slot (when this audit holds it).</summary>
    Task EndRunAsync(string auditId, CancellationToken ct);

    Task SetMessageAsync(string auditId, string messageId, CancellationToken ct);

    Task<string?> MessageAsync(string auditId, CancellationToken ct);

    /// <summary>A page's rows (JSON), under a key unique to that page: writing the same page again replaces them.</summary>
    Task SaveRowsAsync(string auditId, string page, string rowsJson, CancellationToken ct);

    /// <summary>Every page's rows, in the order of their keys.</summary>
    Task<IReadOnlyList<string>> RowsAsync(string auditId, CancellationToken ct);

    Task SaveFileAsync(string key, byte[] content, DateTimeOffset expires, CancellationToken ct);

    /// <summary>The file, until it expires.</summary>
    Task<byte[]?> FileAsync(string key, DateTimeOffset now, CancellationToken ct);
}
