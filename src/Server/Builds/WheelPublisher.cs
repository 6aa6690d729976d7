using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;
using PypiForge.Protos.Jobs;
using PypiForge.Server.Catalog;
using PypiForge.Server.Hosting;
using PypiForge.Server.Publishing;

namespace PypiForge.Server.Builds;

/// <summary>Checks a built wheel and has the package folder commit it; never overwrites a served file.</summary>
public sealed class WheelPublisher(
    IOptions<CatalogOptions> options,
    PackageCatalog catalog,
    PackageFolder folder,
    BuiltWheelLedger ledger,
    IEnumerable<IPublishGuard> guards)
{
    private readonly string root = options.Value.RootPath;
    private readonly long maxMetadataBytes = options.Value.MaxMetadataBytes;

    /// <summary>Publishes a wheel from a build's scratch folder: staged into the package root while hashed (one pass).</summary>
    public async Task<PublishedWheel> PublishAsync(TargetTags target, string wheelPath, CancellationToken cancellationToken)
    {
        StagedFile staged;
        try
        {
            staged = await folder.StageCopyAsync(wheelPath, cancellationToken);
        }
        catch (IOException ex) when (DiskSpace.IsFull(ex))
        {
            var size = new FileInfo(wheelPath).Length;
            return new PublishedWheel(Path.GetFileName(wheelPath), size, await HashAsync(wheelPath, cancellationToken), WheelPublishOutcome.Rejected,
                $"{DiskSpace.NoSpaceIn(root)}; the wheel was not published. An operator must free space");
        }

        using (staged)
        {
            return await PublishAsync(target, staged, cancellationToken);
        }
    }

    /// <summary>Publishes staged bytes (a remote agent's stream, or a copy): checked, then committed without overwriting.
    /// The caller disposes <paramref name="staged"/>; once committed that removes nothing.</summary>
    public async Task<PublishedWheel> PublishAsync(TargetTags target, StagedFile staged, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(staged);
        var fileName = staged.FileName;
        var sha256 = staged.Sha256;
        PublishedWheel Result(WheelPublishOutcome outcome, string? detail) => new(fileName, staged.Length, sha256, outcome, detail);

        if (!WheelFilename.TryParse(fileName, out var wheel))
        {
            return Result(WheelPublishOutcome.Rejected, "not a valid wheel filename (PEP 427)");
        }

        var metadata = ReadMetadata(staged.TempPath, wheel, out var problem);
        if (metadata is null)
        {
            return Result(WheelPublishOutcome.Rejected, problem);
        }

        if (!target.Accepts(wheel))
        {
            return Result(WheelPublishOutcome.Rejected, $"its tags ({string.Join(", ", wheel.Tags.Take(5))}) do not fit target {target.Name}");
        }

        // A file of this name anywhere in the folder (subfolders too) belongs to the same project: look there, not at every file.
        if (catalog.FindByFileName(wheel) is { } existing)
        {
            return Compare(existing, wheel, sha256, Result);
        }

        foreach (var guard in guards)
        {
            if (await guard.RefuseAsync(wheel, sha256, cancellationToken) is { } refusal)
            {
                return Result(WheelPublishOutcome.Conflict, refusal);
            }
        }

        ledger.Record(fileName, sha256);
        var committed = await folder.CommitAsync(staged, fileName, CommitRule.NoOverwrite, metadata, uploader: null, cancellationToken);
        if (committed.Outcome == CommitOutcome.NameTaken)
        {
            return catalog.FindByFileName(wheel) is { } raced
                ? Compare(raced, wheel, sha256, Result)
                : Result(WheelPublishOutcome.Conflict, "a file of this name appeared in the package folder meanwhile; it was not overwritten");
        }

        return Result(WheelPublishOutcome.Published, null);
    }

    private static PublishedWheel Compare(CatalogFile existing, WheelFilename wheel, string sha256, Func<WheelPublishOutcome, string?, PublishedWheel> result)
    {
        if (existing.Sha256 == sha256)
        {
            return result(WheelPublishOutcome.AlreadyServed, "the same file is already served");
        }

        // Any build of a pure wheel is as good as another: it is built once, not once per target.
        return wheel.IsPure
            ? result(WheelPublishOutcome.AlreadyServed, "a pure wheel of this name is already served")
            : result(WheelPublishOutcome.Conflict, $"a different file of this name is already served ({existing.RelativePath}, sha256 {existing.Sha256[..12]}…); it was not overwritten");
    }

    // The one rule (ArchiveMetadata: METADATA names the file name's project and version), read once; the catalog gets it.
    private ArchiveMetadata? ReadMetadata(string path, WheelFilename wheel, out string problem)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var metadata = ArchiveMetadata.Read(stream, wheel, maxMetadataBytes);
            problem = metadata.Problem ?? string.Empty;
            return metadata.Agrees ? metadata : null;
        }
        catch (InvalidDistributionException ex)
        {
            problem = ex.Message;
            return null;
        }
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
