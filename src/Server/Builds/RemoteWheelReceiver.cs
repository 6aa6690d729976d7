using System.Text.RegularExpressions;
using Grpc.Core;
using PypiForge.Packaging;
using PypiForge.Protos.Jobs;
using PypiForge.Protos.V1;
using PypiForge.Server.Hosting;
using PypiForge.Server.Publishing;

namespace PypiForge.Server.Builds;

/// <summary>Receives a wheel a remote agent streams: header first, then the bytes, staged in the package root under a
/// hidden name while hashing (<see cref="PackageFolder"/>), so publishing is a rename, not a second copy. Only a complete
/// stream whose size and sha256 match the header reaches <see cref="ServerBuildHost"/>, which checks the wheel and
/// publishes it atomically; any failure leaves nothing behind. The header is checked first:
/// the sender holds the running target (<see cref="HeldTargets"/>) and the wheel is the build's to publish
/// (<see cref="WheelScope"/>), before any byte is written.</summary>
public sealed partial class RemoteWheelReceiver(ServerBuildHost host, HeldTargets held, PackageFolder folder)
{
    public async Task<PublishedWheel> ReceiveAsync(IAsyncStreamReader<PublishWheelChunk> stream, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!await stream.MoveNext(cancellationToken) || stream.Current.PartCase != PublishWheelChunk.PartOneofCase.Header)
        {
            throw Fail(StatusCode.InvalidArgument, "The first message of PublishWheel must be the header (build_id, target, file_name, size, sha256).");
        }

        var header = stream.Current.Header;
        var target = Check(header, maxBytes);
        try
        {
            StagedFile staged;
            await using (var staging = folder.BeginStage(header.FileName))
            {
                while (await stream.MoveNext(cancellationToken))
                {
                    if (stream.Current.PartCase != PublishWheelChunk.PartOneofCase.Data)
                    {
                        throw Fail(StatusCode.InvalidArgument, "Only the first message of PublishWheel may be a header; the rest must be data.");
                    }

                    var data = stream.Current.Data.Memory;
                    if (staging.Length + data.Length > header.Size)
                    {
                        throw Fail(StatusCode.InvalidArgument, $"The stream for {header.FileName} holds more than the {header.Size:N0} bytes its header declares.");
                    }

                    await staging.WriteAsync(data, cancellationToken);
                }

                if (staging.Length != header.Size)
                {
                    throw Fail(StatusCode.DataLoss, $"The stream for {header.FileName} ended after {staging.Length:N0} of {header.Size:N0} bytes; nothing was published.");
                }

                staged = await staging.CompleteAsync(cancellationToken);
            }

            using (staged)
            {
                if (staged.Sha256 != header.Sha256)
                {
                    throw Fail(StatusCode.DataLoss, $"{header.FileName} arrived with sha256 {staged.Sha256}, not the {header.Sha256} its header declares; nothing was published.");
                }

                return await host.PublishAsync(header.BuildId, target, staged, cancellationToken);
            }
        }
        catch (IOException ex) when (DiskSpace.IsFull(ex))
        {
            throw Fail(StatusCode.ResourceExhausted, $"{DiskSpace.NoSpaceIn(folder.Root)}; {header.FileName} was not published. An operator must free space.");
        }
    }

    private TargetTags Check(PublishWheelHeader header, long maxBytes)
    {
        var name = header.FileName;
        if (string.IsNullOrEmpty(name) || name.Length > 255 || name != Path.GetFileName(name) || name.Contains('\\', StringComparison.Ordinal)
            || name.StartsWith('.') || name.Any(char.IsControl) || !WheelFilename.TryParse(name, out var wheel))
        {
            throw Fail(StatusCode.InvalidArgument, $"file_name '{Printable(name)}' is not a bare wheel file name (PEP 427, no folders).");
        }

        if (header.Size <= 0)
        {
            throw Fail(StatusCode.InvalidArgument, $"size is {header.Size}; give the wheel's size in bytes.");
        }

        if (header.Size > maxBytes)
        {
            throw Fail(StatusCode.ResourceExhausted, $"{name} is {header.Size:N0} bytes; this server takes wheels up to {maxBytes:N0} bytes (Queue:MaxWheelBytes).");
        }

        if (!Sha256Hex().IsMatch(header.Sha256))
        {
            throw Fail(StatusCode.InvalidArgument, "sha256 must be 64 lowercase hex digits.");
        }

        if (!WheelTag.TryParse(header.Target, out var targetTag) || header.SupportedTags.Count == 0)
        {
            throw Fail(StatusCode.InvalidArgument, $"target '{Printable(header.Target)}' is not a target name, or supported_tags is empty.");
        }

        var supported = new List<WheelTag>();
        foreach (var text in header.SupportedTags)
        {
            if (!WheelTag.TryParse(text, out var tag))
            {
                throw Fail(StatusCode.InvalidArgument, $"supported_tags holds '{Printable(text)}', which is not a tag triple like cp311-cp311-linux_x86_64.");
            }

            // The agent's list comes from its interpreter's pip; the server keeps only what fits the target it names.
            if (WheelScope.Fits(tag, targetTag))
            {
                supported.Add(tag);
            }
        }

        var build = held.Require(header.BuildId, header.Target, header.Claim);
        if (WheelScope.Refusal(wheel, build, targetTag) is { } refusal)
        {
            throw Fail(StatusCode.InvalidArgument, refusal);
        }

        return new TargetTags(header.Target, supported);
    }

    private static RpcException Fail(StatusCode code, string message) => new(new Status(code, message));

    private static string Printable(string text) =>
        new([.. text.Take(120).Select(static c => char.IsControl(c) ? '?' : c)]);

    [GeneratedRegex("\\A[0-9a-f]{64}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Hex();
}
