using PypiForge.Server.Hosting;

namespace PypiForge.Server.Uploads;

/// <summary>An upload refused for a reason the client can act on. <see cref="Reason"/> becomes the HTTP reason phrase,
/// which is what twine and requests print ("400 Client Error: File already exists for url ...").</summary>
public sealed class UploadException(int status, string reason, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Reason { get; } = reason;

    /// <summary>The folder whose disk was full, for the operator's log; null for other refusals.</summary>
    public string? FullFolder { get; private init; }

    public static UploadException BadRequest(string reason, string detail) => new(StatusCodes.Status400BadRequest, reason, detail);

    /// <summary>507: the server's disk (or quota) is full; nothing of the upload was kept.</summary>
    public static UploadException DiskFull(string folder) => new(
        StatusCodes.Status507InsufficientStorage,
        "No space left on the server",
        $"{DiskSpace.NoSpaceIn(folder)}; the upload was not stored. An operator must free space.")
    {
        FullFolder = folder,
    };
}
