using System.Runtime.Versioning;

// The agent's tests run real interpreters, bash scripts and read /proc: Linux only.
[assembly: SupportedOSPlatform("linux")]
