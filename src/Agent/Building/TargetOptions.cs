namespace PypiForge.Agent.Building;

/// <summary>A target in a root filesystem: Agent:Targets:N:Root and Agent:Targets:N:Interpreter.</summary>
public sealed class TargetOptions
{
    /// <summary>The root filesystem, e.g. /srv/roots/bookworm-i386 (scripts/make-build-root.sh makes one).</summary>
    public string? Root { get; set; }

    /// <summary>The interpreter as the root sees it, e.g. /usr/bin/python3.</summary>
    public string? Interpreter { get; set; }
}
