namespace PypiForge.Packaging.Tests;

public sealed class PackageVersionParsingSpecs
{
    // PEP 440, "Normalization", section by section.
    public static TheoryData<string, string> NormalizationTable => new()
    {
        // Case sensitivity
        { "1.1RC1", "1.1rc1" },
        // Integer normalization (local segments that mix letters and digits are left alone)
        { "00", "0" },
        { "09000", "9000" },
        { "1.0+foo0100", "1.0+foo0100" },
        // Pre-release separators
        { "1.1.a1", "1.1a1" },
        { "1.1-a1", "1.1a1" },
        { "1.1_a1", "1.1a1" },
        { "1.0a.1", "1.0a1" },
        { "1.0a-1", "1.0a1" },
        // Pre-release spelling
        { "1.1alpha1", "1.1a1" },
        { "1.1beta2", "1.1b2" },
        { "1.1c3", "1.1rc3" },
        { "1.1pre4", "1.1rc4" },
        { "1.1preview5", "1.1rc5" },
        // Implicit pre-release number
        { "1.2a", "1.2a0" },
        // Post release separators
        { "1.0-post1", "1.0.post1" },
        { "1.0_post1", "1.0.post1" },
        { "1.0post1", "1.0.post1" },
        { "1.2.post-2", "1.2.post2" },
        // Post release spelling
        { "1.0-r4", "1.0.post4" },
        { "1.0-rev4", "1.0.post4" },
        // Implicit post release number
        { "1.2.post", "1.2.post0" },
        // Implicit post releases
        { "1.0-1", "1.0.post1" },
        // Development release separators
        { "1.2-dev2", "1.2.dev2" },
        { "1.2dev2", "1.2.dev2" },
        { "1.2.dev.2", "1.2.dev2" },
        // Implicit development release number
        { "1.2.dev", "1.2.dev0" },
        // Local version segments
        { "1.0+ubuntu-1", "1.0+ubuntu.1" },
        { "1.0+ubuntu_1", "1.0+ubuntu.1" },
        { "1.0+UBUNTU.1", "1.0+ubuntu.1" },
        { "1.0+abc.05", "1.0+abc.5" },
        // Preceding v character
        { "v1.0", "1.0" },
        { "V1.0", "1.0" },
        // Leading and trailing whitespace
        { " 1.0 ", "1.0" },
        { "\t\r\n\f\v1.0\n", "1.0" },
        // Epochs, and everything at once
        { "0!1.0", "1.0" },
        { "1!2.0.post1.dev3+abc.5", "1!2.0.post1.dev3+abc.5" },
        { "v1!2.0-r1-dev3+ABC-05", "1!2.0.post1.dev3+abc.5" },
        { "1.0.0", "1.0.0" },
        { "2012.15", "2012.15" },
    };

    [Theory]
    [MemberData(nameof(NormalizationTable))]
    public void PEP_440_spellings_normalize_to_the_canonical_form(string text, string normalized)
    {
        var version = PackageVersion.Parse(text);

        Assert.Equal(normalized, version.Normalized);
        Assert.Equal(normalized, version.ToString());
        Assert.Equal(text, version.Original);
    }

    [Theory]
    [MemberData(nameof(NormalizationTable))]
    public void The_normal_form_parses_to_itself_and_an_equal_version(string text, string normalized)
    {
        var canonical = PackageVersion.Parse(normalized);

        Assert.Equal(normalized, canonical.Normalized);
        Assert.Equal(PackageVersion.Parse(text), canonical);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("french toast")]
    [InlineData("v")]
    [InlineData("vv1.0")]
    [InlineData("1.0-")] // the implicit post release needs its number
    [InlineData("1.0+")]
    [InlineData("1.0+abc..5")]
    [InlineData("1.0+abc_")]
    [InlineData("1.0+abc+def")]
    [InlineData("1.0.")]
    [InlineData(".1.0")]
    [InlineData("1..0")]
    [InlineData("1.0a1b2")]
    [InlineData("1.0.dev1.post1")] // post must come before dev
    [InlineData("1.0-final")]
    [InlineData("1!")]
    [InlineData("!1.0")]
    [InlineData("1.0 2")]
    [InlineData("1.0\n.post1")]
    [InlineData("1.0+ä")]
    [InlineData("1.\u0660")] // ARABIC-INDIC DIGIT ZERO
    [InlineData("\uFF11.0")] // FULLWIDTH DIGIT ONE
    [InlineData("1.0+\u212A")] // KELVIN SIGN, which lower-cases to "k"
    [InlineData("99999999999999999999")] // larger than a long
    [InlineData("1.0.post99999999999999999999")]
    [InlineData("99999999999!1.0")] // epoch larger than an int
    public void Text_that_is_not_a_PEP_440_version_does_not_parse(string text)
    {
        Assert.False(PackageVersion.TryParse(text, out var version));
        Assert.Null(version);
    }

    [Fact]
    public void Null_does_not_parse()
    {
        Assert.False(PackageVersion.TryParse(null, out _));
    }

    [Fact]
    public void Parse_names_the_rejected_text()
    {
        var error = Assert.Throws<FormatException>(() => PackageVersion.Parse("french toast"));

        Assert.Contains("'french toast'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Numbers_up_to_long_MaxValue_are_kept_exactly()
    {
        var version = PackageVersion.Parse("9223372036854775807.1");

        Assert.Equal([long.MaxValue, 1L], version.Release);
    }

    [Fact]
    public void The_parts_of_a_full_version_are_exposed()
    {
        var version = PackageVersion.Parse("2!1.02.3rc4.post5.dev6+Ubuntu-007");

        Assert.Equal(2, version.Epoch);
        Assert.Equal([1L, 2L, 3L], version.Release);
        Assert.Equal("rc", version.PreReleaseLabel);
        Assert.Equal(4L, version.PreReleaseNumber);
        Assert.Equal(5L, version.PostNumber);
        Assert.Equal(6L, version.DevNumber);
        Assert.Equal("ubuntu.7", version.Local);
        Assert.Equal("2!1.2.3rc4.post5.dev6", version.PublicVersion);
    }

    [Fact]
    public void A_final_release_has_no_optional_parts()
    {
        var version = PackageVersion.Parse("1.0");

        Assert.Equal(0, version.Epoch);
        Assert.Null(version.PreReleaseLabel);
        Assert.Null(version.PreReleaseNumber);
        Assert.Null(version.PostNumber);
        Assert.Null(version.DevNumber);
        Assert.Null(version.Local);
        Assert.False(version.IsPrerelease);
        Assert.False(version.IsDevRelease);
        Assert.False(version.IsPostRelease);
    }

    [Theory]
    [InlineData("1.0a1", true, false, false)]
    [InlineData("1.0rc1.post1", true, false, true)]
    [InlineData("1.0.dev1", true, true, false)]
    [InlineData("1.0.post1.dev1", true, true, true)]
    [InlineData("1.0.post1", false, false, true)]
    [InlineData("1.0-1", false, false, true)]
    [InlineData("1.0+local", false, false, false)]
    public void Pre_dev_and_post_releases_are_recognised(string text, bool prerelease, bool dev, bool post)
    {
        var version = PackageVersion.Parse(text);

        Assert.Equal(prerelease, version.IsPrerelease);
        Assert.Equal(dev, version.IsDevRelease);
        Assert.Equal(post, version.IsPostRelease);
    }
}
