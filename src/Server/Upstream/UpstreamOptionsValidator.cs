using Microsoft.Extensions.Options;
using PypiForge.Packaging;

namespace PypiForge.Server.Upstream;

/// <summary>Validates the upstream settings at start-up; every message names the key (and its switch).</summary>
internal sealed class UpstreamOptionsValidator : IValidateOptions<UpstreamOptions>
{
    public ValidateOptionsResult Validate(string? name, UpstreamOptions options)
    {
        var failures = new List<string>();
        var fallback = options.Fallback?.Trim().ToLowerInvariant();
        if (fallback is not ("none" or "redirect" or "proxy"))
        {
            failures.Add($"Upstream:Fallback (--fallback) is '{options.Fallback}'; use none, redirect or proxy.");
        }

        var urls = options.Url?.Split(UpstreamOptions.Separators, StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (urls.Length == 0 && fallback is "redirect" or "proxy")
        {
            failures.Add($"Upstream:Url (--upstream) is empty; give the upstream's simple index URL (e.g. https://pypi.org/simple/), or set --fallback none.");
        }

        foreach (var url in urls)
        {
            if (UpstreamIndex.TryCreate(url, out _) is { } problem)
            {
                failures.Add($"Upstream:Url (--upstream) has '{UpstreamIndex.Redact(url)}': {problem}.");
            }
        }

        Range(failures, "Upstream:PageTtl", options.PageTtl, TimeSpan.Zero, TimeSpan.FromDays(1), "00:10:00");
        Range(failures, "Upstream:Timeout", options.Timeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromMinutes(5), "00:00:10");
        Range(failures, "Upstream:DownloadTimeout", options.DownloadTimeout, TimeSpan.FromSeconds(1), TimeSpan.FromDays(1), "00:30:00");

        Range(failures, "Upstream:MinReleaseAge", options.MinReleaseAge, TimeSpan.Zero, TimeSpan.FromDays(366), "7.00:00:00");
        if (options.MissingUploadTime?.Trim().ToLowerInvariant() is not ("allow" or "hold"))
        {
            failures.Add($"Upstream:MissingUploadTime is '{options.MissingUploadTime}'; use allow (files without an upload-time are offered) or hold (they are held back while Upstream:MinReleaseAge is set).");
        }

        foreach (var entry in options.AllowFreshList)
        {
            if (AllowFreshEntry.TryParse(entry, out _) is { } problem)
            {
                failures.Add($"Upstream:AllowFresh has '{entry}': {problem}. List project or project==version entries, separated by spaces or commas.");
            }
        }

        if (options.CacheDirectory is { } cache)
        {
            if (string.IsNullOrWhiteSpace(cache) || cache.Contains('\0', StringComparison.Ordinal))
            {
                failures.Add("Upstream:CacheDirectory must name a folder (no NUL characters), or be left out for <state-dir>/upstream.");
            }
            else if (File.Exists(Path.GetFullPath(cache)))
            {
                failures.Add($"Upstream:CacheDirectory is '{Path.GetFullPath(cache)}', which is a file; give a folder (it is created if missing).");
            }
        }

        foreach (var project in options.AllowMerge?.Split(UpstreamOptions.Separators, StringSplitOptions.RemoveEmptyEntries) ?? [])
        {
            if (project.Length > ProjectName.MaxLength || !ProjectName.IsValid(project))
            {
                failures.Add($"Upstream:AllowMerge has '{project}', which is not a valid project name.");
            }
        }

        foreach (var entry in options.FileHosts?.Split(UpstreamOptions.Separators, StringSplitOptions.RemoveEmptyEntries) ?? [])
        {
            if (FileHostRule.TryParse(entry, out _) is { } problem)
            {
                failures.Add($"Upstream:FileHosts has '{entry}': {problem}. List host names, host:port, addresses or ranges such as 10.0.0.0/8, separated by spaces or commas.");
            }
        }

        foreach (var target in options.BuildTargets?.Split(UpstreamOptions.Separators, StringSplitOptions.RemoveEmptyEntries) ?? [])
        {
            if (!WheelTag.TryParse(target, out _))
            {
                failures.Add($"Upstream:BuildTargets has '{target}', which is not a target name (a tag such as cp311-cp311-linux_x86_64).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string key, TimeSpan value, TimeSpan min, TimeSpan max, string example)
    {
        if (value < min || value > max)
        {
            failures.Add($"{key} is {value}; use a value from {min} to {max} (e.g. {example}).");
        }
    }
}
