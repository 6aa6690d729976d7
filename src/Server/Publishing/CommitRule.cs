namespace PypiForge.Server.Publishing;

/// <summary>What a commit may do to a file of the same name.</summary>
public enum CommitRule
{
    /// <summary>Never replace: a taken name is reported (<see cref="CommitOutcome.NameTaken"/>). Built wheels.</summary>
    NoOverwrite,

    /// <summary>Replace the file at the destination atomically. Uploads the overwrite policy allows.</summary>
    Replace,
}
