using System.Reflection;

namespace Swarm.Gates.Tests;

/// <summary>Packages meet only through Swarm.Core: none references another Swarm package sideways.</summary>
public sealed class PackageBoundaryTests
{
    [Fact]
    public void Assembly_ReferencesNoSiblingPackage()
    {
        var assembly = Assembly.Load("Swarm.Gates");
        var siblings = assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(n => n.StartsWith("Swarm.", StringComparison.Ordinal) && n != "Swarm.Core")
            .ToList();

        Assert.Empty(siblings);
    }
}
