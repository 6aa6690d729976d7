namespace PypiForge.Server.Publishing;

/// <summary>How a commit ended.</summary>
public enum CommitOutcome
{
    /// <summary>In place and served.</summary>
    Committed,

    /// <summary>A file of that name was there first (<see cref="CommitRule.NoOverwrite"/>); nothing was changed.</summary>
    NameTaken,
}
