using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;
using PypiForge.Server.Catalog;
using PypiForge.Server.Publishing;
using PypiForge.Server.SimpleIndex;

namespace PypiForge.Server.Uploads;

/// <summary>What an accepted upload did.</summary>
public enum UploadOutcome
{
    Stored,
    Replaced,
    AlreadyServed,
}

/// <summary>Checks an uploaded file and moves it atomically into the root. The same file name is handled by one upload
/// at a time, so of concurrent uploads with different bytes exactly one wins.</summary>
public sealed class UploadService(
    IOptions<CatalogOptions> catalogOptions,
    IOptions<UploadOptions> uploadOptions,
    PackageCatalog catalog,
    PackageFolder folder,
    Metrics.ServerMetrics metrics,
    LocalProjectStatuses statuses,
    ILogger<UploadService> logger)
{
    private readonly string root = catalogOptions.Value.RootPath;
    private readonly long maxMetadataBytes = catalogOptions.Value.MaxMetadataBytes;
    private readonly UploadOptions options = uploadOptions.Value;
    private readonly ConcurrentDictionary<string, SemaphoreSlim> locks = new(StringComparer.OrdinalIgnoreCase);

    public string Root => root;

    public async Task<(UploadOutcome Outcome, DistributionFilename File)> AcceptAsync(UploadForm form, string uploader, CancellationToken cancellationToken)
    {
        var received = form.Content ?? throw UploadException.BadRequest("No file",
            "The upload has no 'content' file part. Send the distribution as the multipart field 'content'.");
        var distribution = CheckFileName(received.FileName);
        if (statuses.Of(distribution.NormalizedProject) is { IsQuarantined: true } quarantined)
        {
            // PEP 792: nothing of a quarantined project is offered; accepting files for it would only hide them.
            throw UploadException.BadRequest("Project is quarantined", $"Not accepted: {quarantined.Refusal}.");
        }

        CheckFields(form, distribution);
        CheckDigests(form, received);
        var metadata = CheckContents(received.TempPath, distribution);

        var gate = locks.GetOrAdd(distribution.FileName, static _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var outcome = await PlaceAsync(form, received, distribution, metadata, uploader, cancellationToken);
            UploadLog.Accepted(logger, distribution.FileName, uploader, outcome.ToString(), received.Length);
            metrics.Uploaded(outcome, received.Length);
            return (outcome, distribution);
        }
        finally
        {
            gate.Release();
        }
    }

    // The spool is already in the root and was hashed while it was received: the package folder commits it by a rename
    // and the catalog takes its digest and metadata as they are.
    private async Task<UploadOutcome> PlaceAsync(
        UploadForm form, ReceivedFile received, DistributionFilename distribution, ArchiveMetadata metadata, string uploader, CancellationToken cancellationToken)
    {
        var existing = Existing(distribution);
        string destination;
        CommitRule rule;
        UploadOutcome outcome;
        if (existing is not null)
        {
            if (existing.Value.Sha256 == received.Sha256)
            {
                return UploadOutcome.AlreadyServed; // a retried upload: same bytes, nothing to do
            }

            if (!MayOverwrite(distribution))
            {
                throw UploadException.BadRequest("File already exists",
                    $"A different file named '{distribution.FileName}' is already served (sha256 {existing.Value.Sha256}). "
                    + "File names are final: publish a new version (or a post release) instead. "
                    + $"The overwrite policy (Uploads:Overwrite) is {options.Overwrite}.");
            }

            (destination, rule, outcome) = (existing.Value.RelativePath, CommitRule.Replace, UploadOutcome.Replaced);
        }
        else
        {
            (destination, rule, outcome) = (distribution.FileName, CommitRule.NoOverwrite, UploadOutcome.Stored);
        }

        var staged = new StagedFile(received.TempPath, distribution.FileName, received.Length, received.Sha256);
        CommitResult committed;
        try
        {
            committed = await folder.CommitAsync(staged, destination, rule, metadata, uploader, cancellationToken);
        }
        catch (StateNotSavedException ex)
        {
            throw ex.IsDiskFull
                ? UploadException.DiskFull(ex.StateDirectory)
                : new UploadException(StatusCodes.Status503ServiceUnavailable, "State not saved", ex.Message);
        }

        if (committed.Outcome == CommitOutcome.NameTaken)
        {
            // Another writer (not an upload: those are serialized) put the file there meanwhile.
            throw UploadException.BadRequest("File already exists",
                $"A file named '{distribution.FileName}' appeared in the package folder during the upload; it was not overwritten.");
        }

        form.Release();
        return outcome;
    }

    private bool MayOverwrite(DistributionFilename distribution) => options.Overwrite switch
    {
        OverwritePolicy.Always => true,
        OverwritePolicy.PreReleases => PackageVersion.TryParse(distribution.Version, out var version) && version.IsPrerelease,
        _ => false,
    };

    // A file of this name is served (anywhere in the folder, under the same project), or sits in the root unread yet.
    private (string Sha256, string RelativePath)? Existing(DistributionFilename distribution)
    {
        if (catalog.FindByFileName(distribution) is { } served)
        {
            return (served.Sha256, served.RelativePath);
        }

        var direct = Path.Combine(root, distribution.FileName);
        return File.Exists(direct) ? (Hash(direct), distribution.FileName) : null;
    }

    private static string Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    private static DistributionFilename CheckFileName(string fileName)
    {
        if (fileName.Length == 0 || fileName.StartsWith('.') || fileName.AsSpan().IndexOfAny('/', '\\') >= 0 || fileName.Contains('\0', StringComparison.Ordinal))
        {
            throw UploadException.BadRequest("Invalid filename",
                $"'{UploadForm.Printable(fileName)}' is not a plain file name: no folders, no leading dot.");
        }

        if (!DistributionFilename.TryParse(fileName, out var distribution))
        {
            throw UploadException.BadRequest("Invalid filename",
                $"'{UploadForm.Printable(fileName)}' is not a distribution file name this index serves: a wheel (PEP 427, name-version-python-abi-platform.whl), "
                + "an sdist (PEP 625, name-version.tar.gz; also .zip, .tar.bz2, .tgz, .tar.xz) or an egg.");
        }

        return distribution;
    }

    private static void CheckFields(UploadForm form, DistributionFilename distribution)
    {
        var name = Required(form, "name");
        var version = Required(form, "version");
        var fileType = Required(form, "filetype");
        var expected = distribution.Kind switch
        {
            DistributionKind.Wheel => "bdist_wheel",
            DistributionKind.Egg => "bdist_egg",
            _ => "sdist",
        };
        if (fileType != expected)
        {
            throw UploadException.BadRequest("Invalid filetype",
                fileType is "sdist" or "bdist_wheel" or "bdist_egg"
                    ? $"filetype is '{fileType}', but '{distribution.FileName}' is a {expected} file."
                    : $"filetype '{UploadForm.Printable(fileType)}' is not served here; upload wheels (bdist_wheel), sdists (sdist) or eggs (bdist_egg).");
        }

        if (!ProjectName.IsValid(name) || !NamesAgree(name, version, distribution))
        {
            throw UploadException.BadRequest("Filename does not match name and version",
                $"The file '{distribution.FileName}' does not belong to project '{UploadForm.Printable(name)}' version '{UploadForm.Printable(version)}' as sent in the form.");
        }
    }

    private static bool NamesAgree(string name, string version, DistributionFilename distribution)
    {
        if (ProjectName.Normalize(name) == distribution.NormalizedProject && SameVersion(version, distribution.Version))
        {
            return true;
        }

        // Legacy sdist names (name-version.tar.gz with dashes in either part) split ambiguously: check the stem directly.
        if (distribution is SdistFilename sdist)
        {
            var stem = sdist.FileName[..^sdist.Extension.Length];
            var suffix = "-" + version;
            return stem.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && ProjectName.Normalize(stem[..^suffix.Length]) == ProjectName.Normalize(name);
        }

        return false;
    }

    private static bool SameVersion(string a, string b) =>
        PackageVersion.TryParse(a, out var left) && PackageVersion.TryParse(b, out var right)
            ? left == right
            : string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static void CheckDigests(UploadForm form, ReceivedFile received)
    {
        foreach (var (field, actual) in new[] { ("sha256_digest", received.Sha256), ("md5_digest", received.Md5), ("blake2_256_digest", received.Blake2b256) })
        {
            var sent = form[field];
            if (!string.IsNullOrWhiteSpace(sent) && !string.Equals(sent.Trim(), actual, StringComparison.OrdinalIgnoreCase))
            {
                throw UploadException.BadRequest($"{field} does not match",
                    $"The {field} sent ({UploadForm.Printable(sent.Trim())}) is not the digest of the {received.Length} bytes received ({actual}): the file was changed or cut on the way. Upload it again.");
            }
        }
    }

    // The one rule (ArchiveMetadata), read once: what it read goes on to the catalog.
    private ArchiveMetadata CheckContents(string path, DistributionFilename distribution)
    {
        ArchiveMetadata metadata;
        try
        {
            using var stream = File.OpenRead(path);
            metadata = ArchiveMetadata.Read(stream, distribution, maxMetadataBytes);
        }
        catch (InvalidDistributionException ex)
        {
            throw UploadException.BadRequest($"Invalid {distribution.Kind.ToString().ToLowerInvariant()}",
                $"'{distribution.FileName}' cannot be read as a {distribution.Kind.ToString().ToLowerInvariant()}: {ex.Message}");
        }

        if (!metadata.Agrees)
        {
            throw UploadException.BadRequest("Invalid wheel",
                $"The wheel's METADATA says '{metadata.Metadata?.Name}' version '{metadata.Metadata?.Version}', but its file name says '{distribution.Project}' version '{distribution.Version}'.");
        }

        return metadata;
    }

    private static string Required(UploadForm form, string field)
    {
        var value = form[field]?.Trim();
        return string.IsNullOrEmpty(value)
            ? throw UploadException.BadRequest($"Missing {field}", $"The upload form has no '{field}' field; twine, flit, poetry and pdm send it.")
            : value;
    }
}
