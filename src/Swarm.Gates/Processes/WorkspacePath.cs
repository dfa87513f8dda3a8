namespace Swarm.Gates;

/// <summary>Resolves paths inside a workspace, following symbolic links, and rejects those that escape it.</summary>
internal static class WorkspacePath
{
    /// <summary>Resolves the workspace itself to its real, absolute path.</summary>
    public static string ResolveWorkspace(string workspaceDirectory)
    {
        var full = Path.GetFullPath(workspaceDirectory);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"Workspace '{workspaceDirectory}' does not exist.");
        }

        return RealPath(full);
    }

    /// <summary>Resolves <paramref name="path"/> (relative to the workspace or absolute) and checks it stays inside.</summary>
    public static string Resolve(string realWorkspace, string path)
    {
        var full = Path.GetFullPath(Path.Combine(realWorkspace, path));
        var real = RealPath(full);
        if (!IsInside(realWorkspace, real))
        {
            throw new WorkspaceEscapeException($"Path '{path}' resolves to '{real}', outside the workspace '{realWorkspace}'.");
        }

        return real;
    }

    private static bool IsInside(string root, string candidate)
    {
        if (string.Equals(root, candidate, StringComparison.Ordinal))
        {
            return true;
        }

        var prefix = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return candidate.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>Follows symbolic links component by component (the parts that exist), like realpath(3).</summary>
    private static string RealPath(string fullPath, int depth = 0)
    {
        if (depth > 40)
        {
            throw new WorkspaceEscapeException($"Too many levels of symbolic links at '{fullPath}'.");
        }

        var root = Path.GetPathRoot(fullPath) ?? "/";
        var parts = fullPath[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        var current = root;
        for (var i = 0; i < parts.Length; i++)
        {
            var next = Path.Combine(current, parts[i]);
            var info = new FileInfo(next);
            if (info.LinkTarget is not null)
            {
                next = RealPath(Path.GetFullPath(Path.Combine(current, info.LinkTarget)), depth + 1);
            }

            current = next;
        }

        return current;
    }
}
