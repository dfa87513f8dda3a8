using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Swarm;

/// <summary>A step's inputs, built only when first read (most tool calls never read them).</summary>
internal sealed class InputsView(StepContext context) : IReadOnlyDictionary<string, string?>
{
    public int Count => context.Inputs.Count;

    public IEnumerable<string> Keys => context.Inputs.Keys;

    public IEnumerable<string?> Values => context.Inputs.Values;

    public string? this[string key] => context.Inputs[key];

    public bool ContainsKey(string key) => context.Inputs.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string? value) => context.Inputs.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => context.Inputs.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
