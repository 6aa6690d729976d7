namespace PypiForge.Server.SimpleIndex;

/// <summary>The representations of the simple repository API this server offers (PEP 503, PEP 691).</summary>
public enum IndexFormat
{
    /// <summary><c>text/html</c>: the PEP 503 page, for old clients and browsers.</summary>
    Html,

    /// <summary><c>application/vnd.pypi.simple.v1+html</c>: the same page, versioned (PEP 691).</summary>
    HtmlV1,

    /// <summary><c>application/vnd.pypi.simple.v1+json</c> (PEP 691).</summary>
    JsonV1,
}
