namespace PypiForge.Packaging.Tests;

/// <summary>PEP 440's version specifiers, with its own examples and the Requires-Python of real build back-ends.</summary>
public sealed class VersionSpecifiersSpecs
{
    [Theory]
    [InlineData(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*", "2.7", true)] // setuptools 44, wheel 0.34
    [InlineData(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*", "3.3", false)]
    [InlineData(">=2.7, !=3.0.*, !=3.1.*, !=3.2.*, !=3.3.*, !=3.4.*", "3.11", true)]
    [InlineData(">=3.7", "2.7", false)] // setuptools 65
    [InlineData(">=3.7", "3.6", false)]
    [InlineData(">=3.7", "3.7", true)]
    [InlineData(">=3.6", "3.10", true)] // numbers, not text
    [InlineData("", "2.7", true)]
    [InlineData("~=2.2", "2.3", true)] // PEP 440: ~=2.2 is >=2.2, ==2.*
    [InlineData("~=2.2", "3.0", false)]
    [InlineData("~=1.4.5", "1.4.9", true)] // >=1.4.5, ==1.4.*
    [InlineData("~=1.4.5", "1.5.0", false)]
    [InlineData("==1.1.*", "1.1.post1", true)]
    [InlineData("==1.1.*", "1.10", false)]
    [InlineData("==1.1", "1.1.0", true)] // zero padding
    [InlineData("==1.1", "1.1+local", true)] // a local label counts only when the specifier has one
    [InlineData("!=1.1", "1.1.0", false)]
    [InlineData(">1.7", "1.7.1", true)]
    [InlineData("<2.0", "1.9", true)]
    [InlineData("<=2.0", "2.0", true)]
    [InlineData("===1.0", "1.0", true)]
    [InlineData("===1.0", "1.0.0", false)]
    public void A_version_meets_a_set_when_it_meets_every_clause(string text, string version, bool contained)
    {
        Assert.True(VersionSpecifiers.TryParse(text, out var specifiers));

        Assert.Equal(contained, specifiers.Contains(PackageVersion.Parse(version)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2.7")] // no operator
    [InlineData("=>2.7")]
    [InlineData(">=2.7.*")] // a prefix only with == and !=
    [InlineData("~=2")] // a compatible release needs two segments
    [InlineData(">=banana")]
    public void Anything_else_is_refused(string? text)
    {
        Assert.False(VersionSpecifiers.TryParse(text, out _));
    }
}
