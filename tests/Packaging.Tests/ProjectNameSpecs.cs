namespace PypiForge.Packaging.Tests;

public sealed class ProjectNameSpecs
{
    // PEP 503, "Normalized Names": all of these are the same project.
    [Theory]
    [InlineData("friendly-bard")]
    [InlineData("Friendly-Bard")]
    [InlineData("FRIENDLY-BARD")]
    [InlineData("friendly.bard")]
    [InlineData("friendly_bard")]
    [InlineData("friendly--bard")]
    [InlineData("FrIeNdLy-._.-bArD")]
    public void PEP_503_spellings_normalize_to_one_name(string name)
    {
        Assert.Equal("friendly-bard", ProjectName.Normalize(name));
    }

    [Theory]
    [InlineData("Django", "django")]
    [InlineData("zope.interface", "zope-interface")]
    [InlineData("typing_extensions", "typing-extensions")]
    [InlineData("a__b..c", "a-b-c")]
    [InlineData("pip", "pip")]
    [InlineData("a--b", "a-b")]
    [InlineData("-a-", "-a-")]
    [InlineData("a-", "a-")]
    [InlineData("", "")]
    [InlineData("ǅungla", "ǆungla")]
    public void Normalize_lowercases_and_collapses_separator_runs(string name, string expected)
    {
        Assert.Equal(expected, ProjectName.Normalize(name));
    }

    [Theory]
    [InlineData("pip")]
    [InlineData("friendly-bard")]
    [InlineData("proj0001")]
    public void A_name_already_normal_is_returned_as_it_is(string name)
    {
        Assert.Same(name, ProjectName.Normalize(name));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("Z")]
    [InlineData("7")]
    [InlineData("foo")]
    [InlineData("foo-bar")]
    [InlineData("foo.bar_baz")]
    [InlineData("Foo1")]
    [InlineData("a-._-b")]
    public void PEP_508_names_are_valid(string name)
    {
        Assert.True(ProjectName.IsValid(name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("-foo")]
    [InlineData("foo-")]
    [InlineData(".foo")]
    [InlineData("foo_")]
    [InlineData("foo bar")]
    [InlineData("foo/bar")]
    [InlineData("foo+bar")]
    [InlineData("föö")]
    [InlineData("foo\n")]
    [InlineData("\u212Aelvin")] // KELVIN SIGN, which case-insensitive matching would equate with "K"
    [InlineData("１２３")] // full-width digits
    public void Names_outside_PEP_508_are_invalid(string name)
    {
        Assert.False(ProjectName.IsValid(name));
    }

    [Fact]
    public void Names_are_limited_to_MaxLength_characters()
    {
        Assert.True(ProjectName.IsValid(new string('a', ProjectName.MaxLength)));
        Assert.False(ProjectName.IsValid(new string('a', ProjectName.MaxLength + 1)));
    }

    [Theory]
    [InlineData("friendly-bard", true)]
    [InlineData("zope-interface", true)]
    [InlineData("Friendly-Bard", false)]
    [InlineData("friendly_bard", false)]
    [InlineData("friendly.bard", false)]
    [InlineData("friendly--bard", false)]
    [InlineData("-friendly-bard", false)]
    public void A_name_is_normalized_when_valid_and_equal_to_its_normal_form(string name, bool expected)
    {
        Assert.Equal(expected, ProjectName.IsNormalized(name));
    }

    [Theory]
    [InlineData("Friendly.Bard", "friendly_bard")]
    [InlineData("zope.interface", "zope_interface")]
    [InlineData("pip", "pip")]
    public void File_names_spell_the_normalized_name_with_underscores(string name, string expected)
    {
        Assert.Equal(expected, ProjectName.ToFileNameComponent(name));
    }
}
