using System.Text;

namespace PypiForge.Packaging.Tests;

/// <summary>
/// Damaged uploads, made reproducibly from valid archives: whatever the damage, the readers
/// return metadata, return nothing, or throw <see cref="InvalidDistributionException"/>;
/// never another exception type.
/// </summary>
public sealed class CorruptArchiveSpecs
{
    private const int Mutations = 400;

    private static readonly byte[] Metadata = Encoding.UTF8.GetBytes(
        "Metadata-Version: 2.1\nName: foo\nVersion: 1.0\nSummary: " + new string('s', 300) + "\n\n" + string.Concat(Enumerable.Repeat("Body text. ", 200)));

    public static TheoryData<string> Kinds => new() { "wheel", "tar.gz", "tar.xz", "tar.bz2", "tar", "sdist zip", "egg" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Truncated_archives_fail_only_as_invalid_distributions(string kind)
    {
        var archive = Build(kind);
        for (var length = 0; length < archive.Length; length += Math.Max(1, archive.Length / Mutations))
            AssertFailsCleanly(kind, archive[..length], $"truncated to {length} bytes");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Archives_with_damaged_bytes_fail_only_as_invalid_distributions(string kind)
    {
        var archive = Build(kind);
        var random = new Random(658);

        // The bzip2 and xz decoders are third-party code with more states to reach (and the archives' bytes differ from
        // run to run with their time stamps): they get ten times the damages, enough to meet bzip2's rarer failures.
        var mutations = kind is "tar.bz2" or "tar.xz" ? Mutations * 10 : Mutations;
        for (var i = 0; i < mutations; i++)
        {
            var damaged = archive.ToArray();
            var count = random.Next(1, 9);
            for (var j = 0; j < count; j++)
                damaged[random.Next(damaged.Length)] = (byte)random.Next(256);
            AssertFailsCleanly(kind, damaged, $"mutation {i}");
        }
    }

    private static byte[] Build(string kind)
    {
        var files = new[]
        {
            Archives.File("foo-1.0/PKG-INFO", Metadata),
            Archives.File("foo-1.0.dist-info/METADATA", Metadata),
            Archives.File("EGG-INFO/PKG-INFO", Metadata),
            Archives.File("foo/__init__.py", "print('hello')\n"),
        };
        using var stream = kind switch
        {
            "tar.gz" => Archives.TarGz(files),
            "tar.xz" => ToolArchives.Compress("xz", Archives.Tar(files).ToArray()),
            "tar.bz2" => ToolArchives.Compress("bz2", Archives.Tar(files).ToArray()),
            "tar" => Archives.Tar(files),
            _ => Archives.Zip(files),
        };
        return stream.ToArray();
    }

    private static void AssertFailsCleanly(string kind, byte[] bytes, string what)
    {
        using var stream = new MemoryStream(bytes);
        try
        {
            _ = kind switch
            {
                "wheel" => DistributionArchive.ReadWheelMetadata(stream, Parse<WheelFilename>("foo-1.0-py3-none-any.whl")),
                "egg" => DistributionArchive.ReadEggPkgInfo(stream),
                "sdist zip" => DistributionArchive.ReadSdistPkgInfo(stream, Parse<SdistFilename>("foo-1.0.zip")),
                "tar" => DistributionArchive.ReadSdistPkgInfo(stream, Parse<SdistFilename>("foo-1.0.tar")),
                "tar.xz" => DistributionArchive.ReadSdistPkgInfo(stream, Parse<SdistFilename>("foo-1.0.tar.xz")),
                "tar.bz2" => DistributionArchive.ReadSdistPkgInfo(stream, Parse<SdistFilename>("foo-1.0.tar.bz2")),
                _ => DistributionArchive.ReadSdistPkgInfo(stream, Parse<SdistFilename>("foo-1.0.tar.gz")),
            };
        }
        catch (InvalidDistributionException)
        {
            // The expected failure.
        }
        catch (Exception ex)
        {
            Assert.Fail($"{kind}, {what}: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private static T Parse<T>(string fileName)
        where T : DistributionFilename
    {
        Assert.True(DistributionFilename.TryParse(fileName, out var parsed));
        return Assert.IsType<T>(parsed);
    }
}
