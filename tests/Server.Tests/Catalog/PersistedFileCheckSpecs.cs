using PypiForge.Server.Catalog;

namespace PypiForge.Server.Tests.Catalog;

/// <summary>The check written with each state entry is computed without a string per field (it runs for every entry at
/// each start); it must stay the digest state files already carry, or every file would be hashed again after an upgrade.</summary>
public sealed class PersistedFileCheckSpecs
{
    public static TheoryData<PersistedFile> Entries() => new()
    {
        new PersistedFile("a-1.0-py3-none-any.whl", 1024, 638_000_000_000_000_000, new string('a', 64), new string('b', 64), "A", ">=3.8",
            new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero), null, null, 0, 512, "alice"),
        new PersistedFile("sub/dir/b-2.0.tar.gz", 0, 0, null, null, null, null, DateTimeOffset.UnixEpoch, "", "unreadable: bad zip"),
        new PersistedFile("ünïcödé/名前-1.0-py3-none-any.whl", long.MaxValue, long.MinValue, new string('c', 64), null, "Ünï 名前", "<4,>=3.9",
            DateTimeOffset.MaxValue, "broken\nrelease", null, long.MaxValue, int.MaxValue, "bob@example.org"),
        new PersistedFile(new string('x', 5000) + ".whl", 7, 8, new string('d', 64), new string('e', 64), new string('N', 3000), null,
            DateTimeOffset.UnixEpoch, new string('y', 4000), null, -1, -1, null),
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public void The_check_is_the_digest_of_the_fields_as_before(PersistedFile entry)
    {
        var sealedEntry = entry.Sealed();

        Assert.Equal(entry.ComputeCheckSlowly(), sealedEntry.Check);
        Assert.True(sealedEntry.IsIntact);
    }

    [Theory]
    [MemberData(nameof(Entries))]
    public void Any_changed_field_no_longer_matches_the_check(PersistedFile entry)
    {
        var sealedEntry = entry.Sealed();

        Assert.False((sealedEntry with { Path = sealedEntry.Path + "x" }).IsIntact);
        Assert.False((sealedEntry with { Size = sealedEntry.Size ^ 1 }).IsIntact);
        Assert.False((sealedEntry with { Sha256 = "f" + sealedEntry.Sha256 }).IsIntact);
        Assert.False((sealedEntry with { MetadataName = (entry.MetadataName ?? "") + "z" }).IsIntact);
        Assert.False((sealedEntry with { Yanked = sealedEntry.Yanked is null ? "" : null }).IsIntact);
        Assert.False((sealedEntry with { UploadedBy = "mallory" }).IsIntact);
        Assert.False((sealedEntry with { Check = "0000000000000000" }).IsIntact);
        Assert.False((sealedEntry with { Check = sealedEntry.Check + "0" }).IsIntact);
    }

    [Fact]
    public void An_entry_without_a_check_is_taken_as_it_is()
    {
        Assert.True(new PersistedFile("a.whl", 1, 2, null, null, null, null, DateTimeOffset.UnixEpoch, null, null).IsIntact);
    }
}
