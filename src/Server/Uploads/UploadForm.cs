using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Konscious.Security.Cryptography;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using PypiForge.Server.Hosting;

namespace PypiForge.Server.Uploads;

/// <summary>The uploaded file, already on disk (a hidden temp file in the root's file system) with its digests.</summary>
public sealed record ReceivedFile(string FileName, string TempPath, long Length, string Sha256, string Md5, string Blake2b256);

/// <summary>A legacy-API upload form read from a streamed multipart body: the fields, and the <c>content</c> file
/// written to disk while it is hashed — never held in memory whole.</summary>
public sealed partial class UploadForm : IAsyncDisposable
{
    private const int MaxFieldBytes = 4 * 1024 * 1024; // a long_description can be large
    private const int MaxTotalFieldBytes = 16 * 1024 * 1024;
    private const int MaxFields = 2000;

    private readonly Dictionary<string, List<string>> fields = new(StringComparer.Ordinal);

    public ReceivedFile? Content { get; private set; }

    public string? this[string name] => fields.TryGetValue(name, out var values) ? values[0] : null;

    /// <summary>Reads the request. Throws <see cref="UploadException"/> for a malformed or oversized body; the temp
    /// file is removed then, and whenever the form is disposed without its file having been moved into place.</summary>
    public static async Task<UploadForm> ReadAsync(HttpRequest request, string tempDirectory, long maxBytes, CancellationToken cancellationToken)
    {
        var sizeFeature = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (sizeFeature is { IsReadOnly: false })
        {
            sizeFeature.MaxRequestBodySize = maxBytes;
        }

        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var form = new UploadForm();
        try
        {
            if (request.HasFormContentType && !IsMultipart(request, out _))
            {
                // pypiserver's remove_pkg is sometimes sent url-encoded (curl --data); small, so read it whole.
                var urlEncoded = await request.ReadFormAsync(cancellationToken);
                foreach (var (key, values) in urlEncoded)
                {
                    form.fields[key] = [.. values.Select(v => v ?? string.Empty)];
                }

                return form;
            }

            if (!IsMultipart(request, out var boundary))
            {
                throw UploadException.BadRequest("Expected multipart/form-data",
                    "Uploads are multipart/form-data requests with ':action=file_upload' and the file as 'content', as twine sends them.");
            }

            await form.ReadMultipartAsync(new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 }, tempDirectory, cancellationToken);
            return form;
        }
        catch (Exception ex)
        {
            await form.DisposeAsync();
            var refusal = ex switch
            {
                BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge(maxBytes),
                BadHttpRequestException bad => new UploadException(bad.StatusCode, "Bad request", bad.Message),
                IOException when DiskSpace.IsFull(ex) => UploadException.DiskFull(tempDirectory),
                InvalidDataException or FormatException => UploadException.BadRequest("Malformed multipart body", $"The multipart body could not be read: {ex.Message}"),
                IOException when !cancellationToken.IsCancellationRequested && ex is not ConnectionResetException =>
                    UploadException.BadRequest("Malformed multipart body", "The multipart body ended before its closing boundary."),
                _ => null, // our own refusals, and a client that went away: as they are
            };
            if (refusal is null)
            {
                throw;
            }

            throw refusal;
        }
    }

    /// <summary>Hands the temp file over (it was moved into place); dispose will not delete it then.</summary>
    public void Release() => Content = null;

    public ValueTask DisposeAsync()
    {
        if (Content is not null)
        {
            File.Delete(Content.TempPath);
            Content = null;
        }

        return ValueTask.CompletedTask;
    }

    private static bool IsMultipart(HttpRequest request, out string boundary)
    {
        boundary = string.Empty;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        boundary = HeaderUtilities.RemoveQuotes(type.Boundary).ToString();
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            throw UploadException.BadRequest("Malformed multipart body", "The Content-Type has no usable multipart boundary.");
        }

        return true;
    }

    private async Task ReadMultipartAsync(MultipartReader reader, string tempDirectory, CancellationToken cancellationToken)
    {
        var totalFieldBytes = 0;
        var count = 0;
        while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
        {
            if (++count > MaxFields)
            {
                throw UploadException.BadRequest("Too many form fields", $"An upload has at most {MaxFields} form fields.");
            }

            if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                || disposition is null
                || StringSegment.IsNullOrEmpty(disposition.Name))
            {
                throw UploadException.BadRequest("Malformed multipart body", "Every part needs 'Content-Disposition: form-data; name=\"...\"'.");
            }

            var name = HeaderUtilities.RemoveQuotes(disposition.Name).ToString();
            if (disposition.IsFileDisposition())
            {
                if (name != "content")
                {
                    // e.g. gpg_signature: not kept (PyPI dropped signatures too); read past it.
                    await section.Body.CopyToAsync(Stream.Null, cancellationToken);
                    continue;
                }

                if (Content is not null)
                {
                    throw UploadException.BadRequest("More than one file", "Send one file per upload request, as the 'content' field.");
                }

                var fileName = HeaderUtilities.RemoveQuotes(
                    StringSegment.IsNullOrEmpty(disposition.FileNameStar) ? disposition.FileName : disposition.FileNameStar).ToString();
                Content = await ReceiveAsync(section.Body, fileName, tempDirectory, cancellationToken);
                continue;
            }

            var value = await ReadFieldAsync(section.Body, name, cancellationToken);
            totalFieldBytes += value.Length;
            if (totalFieldBytes > MaxTotalFieldBytes)
            {
                throw UploadException.BadRequest("Form fields too large", $"The form fields of an upload total at most {MaxTotalFieldBytes / (1024 * 1024)} MiB.");
            }

            if (!fields.TryGetValue(name, out var values))
            {
                fields[name] = values = [];
            }

            values.Add(value);
        }
    }

    private static async Task<string> ReadFieldAsync(Stream body, string name, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxFieldBytes)
            {
                throw UploadException.BadRequest("Form field too large", $"The form field '{Printable(name)}' is over {MaxFieldBytes / (1024 * 1024)} MiB.");
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

#pragma warning disable CA5351 // MD5 is computed only to check the md5_digest clients send, never to trust it alone.
    private static async Task<ReceivedFile> ReceiveAsync(Stream body, string fileName, string tempDirectory, CancellationToken cancellationToken)
    {
        var tempPath = Path.Combine(tempDirectory, $".upload-{Guid.NewGuid():N}.tmp"); // TempFileName; a killed server's are removed at start
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var blake2 = new HMACBlake2B(256);
        blake2.Initialize();
        long length = 0;
        try
        {
            await using var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
            var buffer = new byte[1 << 16];
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha256.AppendData(buffer, 0, read);
                md5.AppendData(buffer, 0, read);
                blake2.TransformBlock(buffer, 0, read, null, 0);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                length += read;
            }

            blake2.TransformFinalBlock([], 0, 0);
            await file.FlushAsync(cancellationToken);
        }
        catch
        {
            File.Delete(tempPath);
            throw;
        }

        return new ReceivedFile(
            fileName,
            tempPath,
            length,
            Convert.ToHexStringLower(sha256.GetHashAndReset()),
            Convert.ToHexStringLower(md5.GetHashAndReset()),
            Convert.ToHexStringLower(blake2.Hash!));
    }
#pragma warning restore CA5351

    /// <summary>The names of the temp files uploads are received into (in the package root); nothing else matches.</summary>
    [GeneratedRegex("\\A\\.upload-[0-9a-f]{32}\\.tmp\\z", RegexOptions.CultureInvariant)]
    internal static partial Regex TempFileName();

    internal static string Printable(string text) =>
        text.Length > 80 || text.Any(c => c < ' ' || c > '~') ? new string([.. text.Take(80).Select(c => c < ' ' || c > '~' ? '?' : c)]) : text;

    private static UploadException TooLarge(long maxBytes) => new(
        StatusCodes.Status413PayloadTooLarge,
        "Upload too large",
        $"This server accepts uploads of at most {maxBytes} bytes (Uploads:MaxUploadBytes).");
}
