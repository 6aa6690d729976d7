namespace PypiForge.Server.Uploads;

/// <summary>An upload refused for a reason the client can act on. <see cref="Reason"/> becomes the HTTP reason phrase,
/// which is what twine and requests print ("400 Client Error: File already exists for url ...").</summary>
public sealed class UploadException(int status, string reason, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Reason { get; } = reason;

    public static UploadException BadRequest(string reason, string detail) => new(StatusCodes.Status400BadRequest, reason, detail);
}
