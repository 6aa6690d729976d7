namespace PypiForge.Packaging;

/// <summary>
/// A distribution file cannot be read. The message says what is wrong in words that can be
/// shown to the person who uploaded it.
/// </summary>
public sealed class InvalidDistributionException : Exception
{
    public InvalidDistributionException()
        : base("invalid distribution")
    {
    }

    public InvalidDistributionException(string message)
        : base(message)
    {
    }

    public InvalidDistributionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
