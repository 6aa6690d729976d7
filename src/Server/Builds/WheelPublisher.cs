using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PypiForge.Packaging;
using PypiForge.Protos.Jobs;
using PypiForge.Server.Catalog;
using PypiForge.Server.Hosting;

namespace PypiForge.Server.Builds;

/// <summary>Checks a built wheel and moves it atomically into the package folder; never overwrites a served file.</summary>
public sealed partial class WheelPublisher(
    IOptions<CatalogOptions> options,
    PackageCatalog catalog,
    CatalogSynchronizer synchronizer,
    BuiltWheelLedger ledger,
    IEnumerable<IPublishGuard> guards)
{
    private readonly string root = options.Value.RootPath;
    private readonly long maxMetadataBytes = options.Value.MaxMetadataBytes;

    public async Task<PublishedWheel> PublishAsync(TargetTags target, string wheelPath, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(wheelPath);
        var info = new FileInfo(wheelPath);
        var sha256 = await HashAsync(wheelPath, cancellationToken);
        PublishedWheel Result(WheelPublishOutcome outcome, string? detail) => new(fileName, info.Length, sha256, outcome, detail);

        if (!WheelFilename.TryParse(fileName, out var wheel))
        {
            return Result(WheelPublishOutcome.Rejected, "not a valid wheel filename (PEP 427)");
        }

        var problem = CheckContents(wheelPath, wheel);
        if (problem is not null)
        {
            return Result(WheelPublishOutcome.Rejected, problem);
        }

        if (!target.Accepts(wheel))
        {
            return Result(WheelPublishOutcome.Rejected, $"its tags ({string.Join(", ", wheel.Tags.Take(5))}) do not fit target {target.Name}");
        }

        var existing = Served(wheel);
        if (existing is not null)
        {
            return Compare(existing, wheel, sha256, Result);
        }

        // Copy next to the destination under a hidden name (ignored by the catalog), then link it into place:
        // File.Move without overwrite fails if another writer got there first, so nothing is ever replaced.
        foreach (var guard in guards)
        {
            if (await guard.RefuseAsync(wheel, sha256, cancellationToken) is { } refusal)
            {
                return Result(WheelPublishOutcome.Conflict, refusal);
            }
        }

        ledger.Record(fileName, sha256);
        var destination = Path.Combine(root, fileName);
        var temporary = Path.Combine(root, $".incoming-{Guid.NewGuid():N}.tmp"); // TempFileName; a killed server's are removed at start
        try
        {
            File.Copy(wheelPath, temporary);
            try
            {
                File.Move(temporary, destination, overwrite: false);
            }
            catch (IOException) when (File.Exists(destination))
            {
                await synchronizer.RefreshAsync(destination, cancellationToken);
                var raced = Served(wheel);
                return raced is null
                    ? Result(WheelPublishOutcome.Conflict, "a file of this name appeared in the package folder meanwhile; it was not overwritten")
                    : Compare(raced, wheel, sha256, Result);
            }
        }
        catch (IOException ex) when (DiskSpace.IsFull(ex))
        {
            return Result(WheelPublishOutcome.Rejected, $"{DiskSpace.NoSpaceIn(root)}; the wheel was not published. An operator must free space");
        }
        finally
        {
            File.Delete(temporary);
        }

        await synchronizer.RefreshAsync(destination, cancellationToken);
        return Result(WheelPublishOutcome.Published, null);
    }

    /// <summary>The names of the copies being moved into the package root; nothing else matches.</summary>
    [GeneratedRegex("\\A\\.incoming-[0-9a-f]{32}\\.tmp\\z", RegexOptions.CultureInvariant)]
    internal static partial Regex TempFileName();

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

    // A file of this name anywhere in the folder (subfolders too) belongs to the same project: look there, not at every file.
    private CatalogFile? Served(WheelFilename wheel) => catalog.FindByFileName(wheel);

    private string? CheckContents(string path, WheelFilename wheel)
    {
        try
        {
            using var stream = File.OpenRead(path);
            var metadata = CoreMetadata.Parse(DistributionArchive.ReadWheelMetadata(stream, wheel, maxMetadataBytes));
            return metadata.Contradiction(wheel);
        }
        catch (InvalidDistributionException ex)
        {
            return ex.Message;
        }
    }

    private static async Task<string> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken));
    }
}
