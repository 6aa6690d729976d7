namespace PypiForge.Server.Pages;

/// <summary>One cell of a project's release × target matrix: its kind (a CSS class and a word people read: served,
/// building, queued, failed, not-applicable, none, …), a short label, an optional link (the wheel, or the build) and an
/// optional one-line reason.</summary>
public sealed record MatrixCell(string Kind, string Label, string? Href, string? Reason);
