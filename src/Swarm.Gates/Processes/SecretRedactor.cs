using System.Text.RegularExpressions;

namespace Swarm.Gates;

/// <summary>Replaces every match of the configured secret patterns with <c>***</c>.</summary>
/// <remarks>Thread-safe. Applied to process output and arguments before they are logged, traced or returned.</remarks>
public sealed class SecretRedactor
{
    /// <summary>The text that replaces a secret.</summary>
    public const string Mask = "***";

    private readonly Regex[] patterns;

    /// <summary>Initializes a new instance of the <see cref="SecretRedactor"/> class.</summary>
    /// <param name="patterns">The regular expressions of secrets.</param>
    /// <exception cref="ArgumentException">A pattern is not a valid regular expression (the message names it).</exception>
    public SecretRedactor(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var list = new List<Regex>();
        foreach (var pattern in patterns)
        {
            try
            {
                list.Add(new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.Compiled, TimeSpan.FromSeconds(1)));
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException($"Secret pattern '{pattern}' is not a valid regular expression: {ex.Message}", nameof(patterns), ex);
            }
        }

        this.patterns = [.. list];
    }

    /// <summary>Redacts a text.</summary>
    /// <param name="text">The text, or <see langword="null"/>.</param>
    /// <returns>The text with every secret replaced by <see cref="Mask"/>.</returns>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var pattern in patterns)
        {
            try
            {
                text = pattern.Replace(text, Mask);
            }
            catch (RegexMatchTimeoutException)
            {
                // A pathological input must not leak: drop what cannot be scanned.
                return "[redaction timed out: output withheld]";
            }
        }

        return text;
    }
}
