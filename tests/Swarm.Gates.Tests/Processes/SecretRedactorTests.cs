namespace Swarm.Gates.Tests.Processes;

public sealed class SecretRedactorTests
{
    private readonly SecretRedactor defaults = new(new ProcessRunnerOptions().SecretPatterns);

    [Theory]
    [InlineData("token=abc123", "token=***")]
    [InlineData("API_KEY: s3cr3t", "API_KEY: ***")]
    [InlineData("use sk-abcdefghijklmnopqrstuvwx now", "use *** now")]
    [InlineData("AKIAABCDEFGHIJKLMNOP", "***")]
    [InlineData("Authorization: Bearer abcdefghijklmnopqrstuvwxyz", "Authorization: ***")]
    [InlineData("nothing secret here", "nothing secret here")]
    public void Redact_DefaultPatterns_MaskSecrets(string input, string expected)
    {
        Assert.Equal(expected, defaults.Redact(input));
    }

    [Fact]
    public void Redact_Null_ReturnsNull()
    {
        Assert.Null(defaults.Redact(null));
    }

    [Fact]
    public void Constructor_InvalidPattern_ThrowsNamingIt()
    {
        var ex = Assert.Throws<ArgumentException>(() => new SecretRedactor(["(unclosed"]));

        Assert.Contains("(unclosed", ex.Message, StringComparison.Ordinal);
    }
}
