namespace PypiForge.Packaging.Tests;

public sealed class RequirementSpecs
{
    // PEP 508, "Complete Grammar" test cases that are name-based, with their canonical text.
    [Theory]
    [InlineData("A", "a")]
    [InlineData("A.B-C_D", "a-b-c-d")]
    [InlineData("aa", "aa")]
    [InlineData("name", "name")]
    [InlineData("name<=1", "name<=1")]
    [InlineData("name>=3", "name>=3")]
    [InlineData("name>=3,<2", "name>=3,<2")]
    [InlineData("name[quux, strange];python_version<'2.7' and platform_version=='2'",
        "name[quux,strange]; python_version < \"2.7\" and platform_version == \"2\"")]
    [InlineData("name; os_name=='a' or os_name=='b'", "name; os_name == \"a\" or os_name == \"b\"")]
    [InlineData("name; os_name=='a' and os_name=='b' or os_name=='c'",
        "name; os_name == \"a\" and os_name == \"b\" or os_name == \"c\"")]
    [InlineData("name; os_name=='a' and (os_name=='b' or os_name=='c')",
        "name; os_name == \"a\" and (os_name == \"b\" or os_name == \"c\")")]
    [InlineData("name; os_name=='a' or os_name=='b' and os_name=='c'",
        "name; os_name == \"a\" or os_name == \"b\" and os_name == \"c\"")]
    [InlineData("name; (os_name=='a' or os_name=='b') and os_name=='c'",
        "name; (os_name == \"a\" or os_name == \"b\") and os_name == \"c\"")]
    public void PEP_508_name_based_examples_are_accepted(string text, string canonical)
    {
        Assert.True(Requirement.TryParse(text, out var requirement, out var error), error);
        Assert.Equal(canonical, requirement.ToString());
    }

    [Theory]
    [InlineData("flask==3.0.3", "flask==3.0.3")]
    [InlineData("mongoengine>=0.24", "mongoengine>=0.24")]
    [InlineData("Django~=4.2", "django~=4.2")]
    [InlineData("numpy==1.*", "numpy==1.*")]
    [InlineData("numpy!=1.26.*", "numpy!=1.26.*")]
    [InlineData("requests[security]>=2.8.1,==2.8.*", "requests[security]>=2.8.1,==2.8.*")]
    [InlineData("requests (>=2.0)", "requests>=2.0")]
    [InlineData("tomli ; python_version < \"3.11\"", "tomli; python_version < \"3.11\"")]
    [InlineData("pywin32>=306; sys_platform == 'win32' and platform_python_implementation != 'PyPy'",
        "pywin32>=306; sys_platform == \"win32\" and platform_python_implementation != \"PyPy\"")]
    [InlineData("uvloop; 'linux' in sys_platform", "uvloop; \"linux\" in sys_platform")]
    [InlineData("colorama; os_name not  in 'posix java'", "colorama; os_name not in \"posix java\"")]
    [InlineData("pytest; extra == 'test'", "pytest; extra == \"test\"")]
    [InlineData("odd; platform_release == 'a\"b'", "odd; platform_release == 'a\"b'")]
    [InlineData("torch==2.3.0+cpu", "torch==2.3.0+cpu")]
    [InlineData("pkg==1!2.0", "pkg==1!2.0")]
    [InlineData("legacy===foobar", "legacy===foobar")]
    [InlineData("name[]", "name")]
    [InlineData("\tname\t>=\t1.0\t", "name>=1.0")]
    public void Realistic_requirements_are_accepted(string text, string canonical)
    {
        Assert.True(Requirement.TryParse(text, out var requirement, out var error), error);
        Assert.Equal(canonical, requirement.ToString());
    }

    [Fact]
    public void The_parts_are_kept_as_written_with_whitespace_removed()
    {
        Assert.True(Requirement.TryParse("Flask_Login [b, A] ( >= 1.0 , <2 ) ; python_version>='3.8'", out var requirement, out _));

        Assert.Equal("Flask_Login", requirement.Name);
        Assert.Equal("flask-login", requirement.NormalizedName);
        Assert.Equal(["b", "A"], requirement.Extras);
        Assert.Equal(">=1.0,<2", requirement.Specifier);
        Assert.Equal("python_version >= \"3.8\"", requirement.Marker);
    }

    [Fact]
    public void A_bare_name_has_no_extras_specifier_or_marker()
    {
        Assert.True(Requirement.TryParse("flask", out var requirement, out _));

        Assert.Empty(requirement.Extras);
        Assert.Equal("", requirement.Specifier);
        Assert.Null(requirement.Marker);
    }

    [Theory]
    [InlineData("Flask_Login [b,A] >= 1.0 , <2", "flask-login[a,b]>=1.0,<2")]
    [InlineData("requests[Security,socks,security]", "requests[security,socks]")]
    [InlineData("pkg[Foo_Bar]", "pkg[foo-bar]")]
    [InlineData("zope.interface ( ==6.* )", "zope-interface==6.*")]
    [InlineData("x;os_name=='nt'and(python_version<'3'or extra=='a')", "x; os_name == \"nt\" and (python_version < \"3\" or extra == \"a\")")]
    public void ToString_is_canonical(string text, string canonical)
    {
        Assert.Equal(canonical, Requirement.Parse(text).ToString());
    }

    [Fact]
    public void Requirements_with_the_same_canonical_text_are_equal()
    {
        var a = Requirement.Parse("Flask [Async] == 3.0.3");
        var b = Requirement.Parse("flask[async]==3.0.3");

        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, Requirement.Parse("flask[async]==3.0.2"));
    }

    public static TheoryData<string, string> BadInputs => new()
    {
        // PEP 508's URL examples: direct references are refused.
        { "name@http://foo.com", "'http://foo.com' is a URL" },
        { "name [fred,bar] @ http://foo.com ; python_version=='2.7'", "'http://foo.com' is a URL" },
        // pip options.
        { "-r requirements.txt", "'-r' is a pip option" },
        { "--index-url=http://evil", "'--index-url' is a pip option" },
        { "-e .", "'-e' is a pip option" },
        { "  --pre", "'--pre' is a pip option" },
        // Local paths.
        { "./local", "'./local' looks like a local path" },
        { "/abs/path", "'/abs/path' looks like a local path" },
        { "..\\x", "'..\\x' looks like a local path" },
        { "~/src/pkg", "'~/src/pkg' looks like a local path" },
        { "pkg/sub", "'pkg/sub' looks like a local path" },
        { "C:\\wheels\\x.whl", "'C:\\wheels\\x.whl' looks like a local path" },
        // Shell.
        { "foo; rm -rf /", "'rm' is not a marker variable" },
        { "foo && curl x", "Unexpected '&' after 'foo'" },
        { "foo|bar", "Unexpected '|' after 'foo'" },
        { "$(id)", "starts with '$'" },
        { "`id`", "starts with '`'" },
        { "foo>`id`", "'>' must be followed by a version, not '`'" },
        { "foo; os_name == 'a' ; id", "Unexpected ';' in the marker" },
        { "foo bar", "Unexpected 'bar' after 'foo'" },
        { "foo\nbar", "line break" },
        { "foo\0", "control character U+0000" },
        { "föö", "non-ASCII character U+00F6" },
        // URLs and direct references.
        { "https://x/y.whl", "'https://x/y.whl' is a URL" },
        { "foo @ file:///tmp/x", "'file:///tmp/x' is a URL" },
        { "foo @ bar", "Direct references ('foo @ ...') are not accepted" },
        // Versions.
        { "foo==", "'==' must be followed by a version" },
        { "foo>=not-a-version", "'not-a-version' in '>=not-a-version' is not a valid PEP 440 version" },
        { "foo~=1", "'~=1' needs at least two release numbers" },
        { "foo>=1.*", "a wildcard is only allowed as a final '.*' after == or !=" },
        { "foo==1.*.1", "a wildcard is only allowed as a final '.*'" },
        { "foo==1.0a1.*", "'==1.0a1.*': a '.*' wildcard may only follow release numbers" },
        { "foo>=1.0+local", "a local version ('+local') is only allowed after == or !=" },
        { "foo=1.0", "'=' is not a version operator" },
        { "foo>=1.0,", "end with ','" },
        { "foo>=1.0 <2", "put ',' before '<2'" },
        { "foo (>=1.0", "is not closed with ')'" },
        { "foo ()", "Expected a version operator" },
        // Names and extras.
        { "foo-", "'foo-' is not a valid project name" },
        { "foo[bar", "The extras list '[bar' is not closed with ']'" },
        { "foo[bar baz]", "Unexpected 'baz' in the extras list" },
        { "foo[bar,]", "Unexpected ']' in the extras list" },
        { "foo>=1[bar]", "Extras go right after the project name" },
        { new string('a', 201), "at most 200" },
        // Markers.
        { "foo; bogus_var == \"1\"", "'bogus_var' is not a marker variable" },
        { "foo; python_version >", "The marker 'python_version >' is incomplete" },
        { "foo;", "';' must be followed by a marker" },
        { "foo; python_version", "a comparison" },
        { "foo; python_version = '3'", "Expected a comparison" },
        { "foo; os_name == 'a' xor os_name == 'b'", "Unexpected 'xor' in the marker" },
        { "foo; (os_name == 'a'", "A '(' in the marker" },
        { "foo; os_name == 'a", "The marker string 'a is not closed with '" },
        { "foo; os_name == 'a\\b'", "contains a backslash" },
        { "foo; 'a' == 'b'", "compares two strings" },
        { "foo; os_name == sys_platform", "compares two variables" },
        { "foo; os.name == 'nt'", "'os.name' is not a marker variable" },
        { "foo; os_name == 'a' and", "is incomplete" },
        { "foo; os_name not 'a'", "Expected a comparison" },
        // Blank and oversized.
        { "", "empty" },
        { "   ", "blank" },
        { "\t", "blank" },
        { "a" + new string('1', Requirement.MaxLength), "1001 characters long; at most 1000" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_is_refused_with_a_message_naming_the_problem(string text, string expected)
    {
        Assert.False(Requirement.TryParse(text, out var requirement, out var error));
        Assert.Null(requirement);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Every_refusal_shows_a_valid_example(string text, string unused)
    {
        _ = unused;
        Assert.False(Requirement.TryParse(text, out _, out var error));

        var example = error[(error.LastIndexOf("e.g. ", StringComparison.Ordinal) + "e.g. ".Length)..].TrimEnd('.');
        Assert.True(Requirement.TryParse(example, out _, out var exampleError), $"'{example}' from \"{error}\": {exampleError}");
    }

    [Fact]
    public void Null_is_refused()
    {
        Assert.False(Requirement.TryParse(null, out _, out var error));
        Assert.Contains("empty", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Exactly_the_maximum_length_is_accepted()
    {
        var prefix = "a; os_name == \"";
        var text = prefix + new string('x', Requirement.MaxLength - prefix.Length - 1) + "\"";

        Assert.Equal(Requirement.MaxLength, text.Length);
        Assert.True(Requirement.TryParse(text, out _, out var error), error);
        Assert.False(Requirement.TryParse(text + " ", out _, out _));
    }

    [Fact]
    public void Shell_metacharacters_inside_quoted_marker_strings_are_plain_text()
    {
        Assert.True(Requirement.TryParse("foo; platform_version == '#1 SMP $x | & ; > < (*)?!'", out var requirement, out var error), error);
        Assert.Equal("platform_version == \"#1 SMP $x | & ; > < (*)?!\"", requirement.Marker);
    }

    [Fact]
    public void Parse_throws_with_the_same_message()
    {
        var exception = Assert.Throws<FormatException>(() => Requirement.Parse("-r requirements.txt"));
        Assert.StartsWith("'-r' is a pip option, not a requirement: list requirements one per entry, e.g. flask==3.0.3", exception.Message, StringComparison.Ordinal);
    }
}
