namespace PypiForge.Packaging.Tests;

public sealed class PackageVersionOrderingSpecs
{
    // PEP 440, "Examples of compliant version schemes": "the following example covers many of
    // the possible combinations", in ascending order (with 1.0.15, added to the PEP in 2021).
    private static readonly string[] PepCombinations =
    [
        "1.0.dev456", "1.0a1", "1.0a2.dev456", "1.0a12.dev456", "1.0a12", "1.0b1.dev456", "1.0b2",
        "1.0b2.post345.dev456", "1.0b2.post345", "1.0rc1.dev456", "1.0rc1", "1.0", "1.0+abc.5",
        "1.0+abc.7", "1.0+5", "1.0.post456.dev34", "1.0.post456", "1.0.15", "1.1.dev1",
    ];

    // The PEP's other ascending examples: dev releases and release candidates; date-based
    // releases; an epoch restarting the numbering.
    private static readonly string[] PepSchemes =
    [
        "0.9", "1.0.dev1", "1.0.dev2", "1.0c1", "1.0c2", "1.0", "1.0.post1", "1.1.dev1", "2012.1",
        "2012.15", "2013.1", "1!1.0", "1!1.1", "1!2.0",
    ];

    // Less obvious rules, each pair written in ascending order.
    public static TheoryData<string, string> AscendingPairs => new()
    {
        { "1.0.dev0", "1.0a0" },            // a dev release of a final comes before its pre-releases
        { "1.0a0", "1.0a0.post0.dev0" },
        { "1.0", "1.0.post0.dev0" },        // ...but a dev release of a post release after the final
        { "1.dev0", "1.0.dev456" },
        { "1.0a99", "1.0b0" },
        { "1.0b99", "1.0c0" },
        { "1.0.9", "1.0.10" },              // numbers, not text
        { "1.0.0", "1.0.0.1" },
        { "2013.10", "1!1.0" },             // the epoch comes first
        { "1.0", "1.0+0" },                 // any local version sorts after none
        { "1.0+abc", "1.0+abc.0" },         // a longer local version wins a tie
        { "1.0+zzz", "1.0+1" },             // a number sorts after letters
        { "1.0+9", "1.0+10" },
        { "1.0+99999999999999999998", "1.0+99999999999999999999" },
        { "1.0.dev9223372036854775806", "1.0.dev9223372036854775807" },
        { "1.0.dev9223372036854775807", "1.0" },
    };

    public static TheoryData<string, string> EqualPairs => new()
    {
        { "1.0", "1.0.0" },
        { "1", "1.0.0.0" },
        { "1.0a", "1.0a0" },
        { "1.0alpha1", "1.0a1" },
        { "1.0c1", "1.0rc1" },
        { "1.0-1", "1.0.post1" },
        { "v1.0", "1.0" },
        { "0!1.0", "1.0" },
        { "1.0+ubuntu-1", "1.0+ubuntu.1" },
        { "1.0+05", "1.0+5" },
        { "1.0+ABC", "1.0+abc" },
    };

    [Fact]
    public void The_PEP_combinations_example_is_in_ascending_order() => AssertAscending(PepCombinations);

    [Fact]
    public void The_PEP_scheme_examples_are_in_ascending_order() => AssertAscending(PepSchemes);

    [Fact]
    public void Sorting_shuffled_versions_restores_the_PEP_order()
    {
        var shuffled = PepCombinations.Select(PackageVersion.Parse).ToArray();
        new Random(440).Shuffle(shuffled);

        Array.Sort(shuffled);

        Assert.Equal(PepCombinations, shuffled.Select(v => v.Original));
    }

    [Theory]
    [MemberData(nameof(AscendingPairs))]
    public void Ordering_rules(string lower, string higher) => AssertAscending([lower, higher]);

    [Theory]
    [MemberData(nameof(EqualPairs))]
    public void Equivalent_spellings_are_equal_and_hash_alike(string left, string right)
    {
        var a = PackageVersion.Parse(left);
        var b = PackageVersion.Parse(right);

        Assert.Equal(0, a.CompareTo(b));
        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.True(a <= b && a >= b);
        Assert.False(a < b || a > b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equal_versions_keep_their_own_normal_form()
    {
        Assert.Equal("1.0.0", PackageVersion.Parse("1.0.0").Normalized);
        Assert.Equal("1.0", PackageVersion.Parse("1.0").Normalized);
    }

    [Fact]
    public void Equal_versions_collapse_in_a_hash_set()
    {
        var set = new HashSet<PackageVersion> { PackageVersion.Parse("1.0"), PackageVersion.Parse("1.0.0"), PackageVersion.Parse("1.0.post0") };

        Assert.Equal(2, set.Count);
    }

    [Fact]
    public void Null_sorts_before_every_version()
    {
        var version = PackageVersion.Parse("0");
        PackageVersion? none = null;

        Assert.Equal(1, version.CompareTo(null));
        Assert.False(version.Equals(null));
        Assert.True(none < version);
        Assert.True(none <= version);
        Assert.True(version > none);
        Assert.True(version >= none);
        Assert.True(version != none);
        Assert.False(none > version);
        Assert.False(none >= version);
    }

    private static void AssertAscending(string[] texts)
    {
        var versions = texts.Select(PackageVersion.Parse).ToArray();
        for (var i = 0; i < versions.Length; i++)
        {
            for (var j = 0; j < versions.Length; j++)
            {
                var (a, b) = (versions[i], versions[j]);
                var because = $"{texts[i]} vs {texts[j]}";
                Assert.True(Math.Sign(a.CompareTo(b)) == i.CompareTo(j), because);
                Assert.True((a < b) == (i < j), because);
                Assert.True((a <= b) == (i <= j), because);
                Assert.True((a > b) == (i > j), because);
                Assert.True((a >= b) == (i >= j), because);
                Assert.True((a == b) == (i == j), because);
                Assert.True(a.Equals(b) == (i == j), because);
            }
        }
    }
}
