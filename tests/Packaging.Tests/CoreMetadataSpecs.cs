using System.Text;

namespace PypiForge.Packaging.Tests;

public sealed class CoreMetadataSpecs
{
    private const string Wheel =
        """
        Metadata-Version: 2.1
        Name: friendly-bard
        Version: 1.0.0
        Summary: A friendly bard
        Requires-Python: >=3.8
        Classifier: Programming Language :: Python :: 3
        Classifier: License :: OSI Approved :: MIT License
        Requires-Dist: requests (>=2.0)
        Requires-Dist: tomli ; python_version < "3.11"
        Project-URL: Homepage, https://example.invalid/bard
        Description-Content-Type: text/markdown

        # Friendly Bard

        Sings songs.

            indented code
        """;

    [Fact]
    public void The_well_known_fields_are_read()
    {
        var metadata = CoreMetadata.Parse(Wheel);

        Assert.Equal("2.1", metadata.MetadataVersion);
        Assert.Equal("friendly-bard", metadata.Name);
        Assert.Equal("1.0.0", metadata.Version);
        Assert.Equal("A friendly bard", metadata.Summary);
        Assert.Equal(">=3.8", metadata.RequiresPython);
    }

    [Fact]
    public void Multiple_use_fields_keep_every_value_in_order()
    {
        var metadata = CoreMetadata.Parse(Wheel);

        Assert.Equal(["Programming Language :: Python :: 3", "License :: OSI Approved :: MIT License"], metadata.GetAll("Classifier"));
        Assert.Equal(["requests (>=2.0)", "tomli ; python_version < \"3.11\""], metadata.RequiresDist);
        Assert.Equal(metadata.GetAll("Classifier"), metadata.Classifiers);
        Assert.Equal("requests (>=2.0)", metadata.Get("Requires-Dist"));
    }

    [Fact]
    public void Only_the_first_colon_separates_name_from_value()
    {
        Assert.Equal("Homepage, https://example.invalid/bard", CoreMetadata.Parse(Wheel).Get("Project-URL"));
    }

    [Fact]
    public void The_body_after_the_first_blank_line_is_the_description()
    {
        var metadata = CoreMetadata.Parse(Wheel);

        Assert.Equal("# Friendly Bard\n\nSings songs.\n\n    indented code", metadata.Body);
        Assert.Equal(metadata.Body, metadata.Description);
        Assert.Null(metadata.Get("Description"));
    }

    [Theory]
    [InlineData("name")]
    [InlineData("NAME")]
    [InlineData("nAmE")]
    public void Field_names_are_case_insensitive(string field)
    {
        var metadata = CoreMetadata.Parse("Metadata-Version: 2.1\nname: bard\n");

        Assert.Equal("bard", metadata.Get(field));
        Assert.Equal("bard", metadata.Name);
    }

    [Fact]
    public void Missing_fields_are_null_or_empty()
    {
        var metadata = CoreMetadata.Parse("Name: bard\n");

        Assert.Null(metadata.Version);
        Assert.Null(metadata.Get("Summary"));
        Assert.Empty(metadata.GetAll("Classifier"));
        Assert.Null(metadata.Body);
        Assert.Null(metadata.Description);
    }

    [Fact]
    public void Older_setuptools_descriptions_fold_lines_behind_a_bar()
    {
        // Core metadata spec, "Description": each line after the first is prefixed with
        // seven spaces and a pipe, so that blank and indented lines survive the folding.
        const string text =
            "Name: bard\n" +
            "Description: Friendly Bard\n" +
            "        |\n" +
            "        |Sings songs.\n" +
            "        |    indented code\n" +
            "Version: 1.0\n";

        var metadata = CoreMetadata.Parse(text);

        Assert.Equal("Friendly Bard\n\nSings songs.\n    indented code", metadata.Get("Description"));
        Assert.Equal("Friendly Bard\n\nSings songs.\n    indented code", metadata.Description);
        Assert.Equal("1.0", metadata.Version);
    }

    [Fact]
    public void Other_continuation_lines_join_without_their_indentation()
    {
        const string text = "License: MIT License\n        \n        Copyright (c) Bard\n\tAll rights reserved.\nName: bard\n";

        var metadata = CoreMetadata.Parse(text);

        Assert.Equal("MIT License\n\nCopyright (c) Bard\nAll rights reserved.", metadata.Get("License"));
        Assert.Equal("bard", metadata.Name);
    }

    [Fact]
    public void CRLF_line_endings_read_like_LF()
    {
        var crlf = CoreMetadata.Parse(Wheel.ReplaceLineEndings("\r\n"));

        Assert.Equal("friendly-bard", crlf.Name);
        Assert.Equal(2, crlf.GetAll("Classifier").Count);
        Assert.Equal(CoreMetadata.Parse(Wheel).Body, crlf.Body);
    }

    [Fact]
    public void A_UTF8_byte_order_mark_is_skipped()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("Metadata-Version: 2.1\nName: bard\n")).ToArray();

        var metadata = CoreMetadata.Parse(bytes);

        Assert.Equal("2.1", metadata.MetadataVersion);
        Assert.Equal("Metadata-Version", metadata.Fields[0].Key);
    }

    [Fact]
    public void UTF8_text_is_decoded()
    {
        var metadata = CoreMetadata.Parse(Encoding.UTF8.GetBytes("Name: bard\nSummary: Für Barden — 吟遊詩人\n"));

        Assert.Equal("Für Barden — 吟遊詩人", metadata.Summary);
    }

    [Fact]
    public void Invalid_UTF8_becomes_replacement_characters()
    {
        byte[] bytes = [.. "Name: bard\nSummary: caf"u8, 0xE9, .. " au lait\n"u8];

        var metadata = CoreMetadata.Parse(bytes);

        Assert.Equal("caf\uFFFD au lait", metadata.Summary);
    }

    [Fact]
    public void Surrounding_whitespace_of_values_is_dropped()
    {
        var metadata = CoreMetadata.Parse("Name: \t bard  \nVersion:1.0\t\n");

        Assert.Equal("bard", metadata.Name);
        Assert.Equal("1.0", metadata.Version);
    }

    [Fact]
    public void A_line_that_is_not_a_field_ends_the_fields_and_starts_the_body()
    {
        var metadata = CoreMetadata.Parse("Name: bard\nthis is not a field\nVersion: 1.0\n");

        Assert.Equal("bard", metadata.Name);
        Assert.Null(metadata.Version);
        Assert.Equal("this is not a field\nVersion: 1.0\n", metadata.Body);
    }

    [Fact]
    public void A_field_name_cannot_contain_a_space()
    {
        var metadata = CoreMetadata.Parse("Name: bard\nSome Field: value\n");

        Assert.Empty(metadata.GetAll("Some Field"));
        Assert.Equal("Some Field: value\n", metadata.Body);
    }

    [Fact]
    public void The_description_field_is_used_when_the_body_is_blank()
    {
        var metadata = CoreMetadata.Parse("Name: bard\nDescription: Sings songs.\n\n\n");

        Assert.Equal("Sings songs.", metadata.Description);
    }

    [Fact]
    public void Fields_keep_file_order_and_spelling()
    {
        var metadata = CoreMetadata.Parse("name: bard\nClassifier: A\nVersion: 1\nclassifier: B\n");

        Assert.Equal(
            [new("name", "bard"), new("Classifier", "A"), new("Version", "1"), new("classifier", "B")],
            metadata.Fields);
        Assert.Equal(["A", "B"], metadata.Classifiers);
    }

    [Fact]
    public void Bytes_and_text_parse_alike()
    {
        var fromBytes = CoreMetadata.Parse(Encoding.UTF8.GetBytes(Wheel));
        var fromText = CoreMetadata.Parse(Wheel);

        Assert.Equal(fromText.Fields, fromBytes.Fields);
        Assert.Equal(fromText.Body, fromBytes.Body);
    }

    [Fact]
    public void Empty_input_has_no_fields()
    {
        var metadata = CoreMetadata.Parse(ReadOnlySpan<byte>.Empty);

        Assert.Empty(metadata.Fields);
        Assert.Null(metadata.Name);
    }
}
