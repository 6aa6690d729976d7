namespace PypiForge.Packaging;

/// <summary>The kinds of distribution file a Python package index serves.</summary>
public enum DistributionKind
{
    /// <summary>A built distribution (PEP 427), <c>.whl</c>.</summary>
    Wheel,

    /// <summary>A source distribution (PEP 625 and legacy forms).</summary>
    Sdist,

    /// <summary>A setuptools egg, <c>.egg</c>; legacy, read-only.</summary>
    Egg,
}
