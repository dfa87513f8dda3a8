using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Swarm.Inference.Native;

namespace Swarm.Inference.Tests.Native;

[Collection(LlamaCollection.Name)]
public sealed class LlamaBackendTests(LlamaFixture fixture)
{
    [Fact]
    public void Initialize_PinnedLibraries_ReportsExpectedVersions()
    {
        Assert.NotNull(fixture.Model);
        LlamaBackend.Initialize();

        Assert.True(LlamaBackend.IsInitialized);
        Assert.Equal("0.5.0-dev", LlamaBackend.LlamaVersion);
        Assert.Equal("0.25.1", LlamaBackend.GgmlVersion);
        Assert.True(File.Exists(Path.Combine(LlamaBackend.LibraryDirectory!, "libllama.v0.5.0.so")));
        Assert.Contains("CPU", LlamaBackend.SystemInfo, StringComparison.Ordinal);
    }

    [Fact]
    public void Initialize_EmptyDirectory_ThrowsNamingTheFix()
    {
        var empty = Directory.CreateTempSubdirectory("swarm-no-llama-").FullName;
        try
        {
            var ex = Assert.Throws<LlamaNativeLibraryException>(() => LlamaBackend.Initialize(new LlamaBackendOptions { NativeLibraryDirectory = empty }));

            Assert.Contains("bash eng/setup.sh", ex.Message, StringComparison.Ordinal);
            Assert.Contains("libllama.v0.5.0.so", ex.Message, StringComparison.Ordinal);
            Assert.Contains(empty, ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void LoadModel_EmptyNativeDirectory_ThrowsNativeLibraryException()
    {
        var empty = Directory.CreateTempSubdirectory("swarm-no-llama-").FullName;
        try
        {
            var options = new LlamaModelOptions { Backend = new LlamaBackendOptions { NativeLibraryDirectory = empty } };

            var ex = Assert.Throws<LlamaNativeLibraryException>(() => LlamaModel.Load(fixture.ModelPath, options));

            Assert.Contains("bash eng/setup.sh", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Theory]
    [InlineData("0.4.9-dev", "0.25.1")]
    [InlineData("0.5.0-dev", "0.24.0")]
    [InlineData(null, null)]
    public void VerifyVersion_OtherVersion_ThrowsNamingBothVersions(string? llama, string? ggml)
    {
        var ex = Assert.Throws<LlamaNativeLibraryException>(() => NativeLibraryLoader.VerifyVersion(llama, ggml));

        Assert.Contains("0.5.0-dev", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bash eng/setup.sh", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StructSizes_MatchLlamaCppV050OnX64()
    {
        Assert.Equal(80, LlamaNative.SizeOf<LlamaModelParams>());
        Assert.Equal(160, LlamaNative.SizeOf<LlamaContextParams>());
        Assert.Equal(56, LlamaNative.SizeOf<LlamaBatchNative>());
        Assert.Equal(264, LlamaNative.SizeOf<LlamaModelKvOverrideNative>());
        NativeLibraryLoader.VerifyAbi(LlamaNative.llama_model_default_params(), LlamaNative.llama_context_default_params());
    }

    [Fact]
    public void VerifyAbi_ShiftedDefaults_Throws()
    {
        var context = LlamaNative.llama_context_default_params();
        context.NBatch = 0; // what a layout shift by one field looks like

        Assert.Throws<LlamaNativeLibraryException>(() => NativeLibraryLoader.VerifyAbi(LlamaNative.llama_model_default_params(), context));
    }

    [Fact]
    public void LoadModel_WithLoggerFactory_ForwardsNativeLog()
    {
        var collector = new FakeLogCollector();
        using var factory = LoggerFactory.Create(b => b.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));
        LlamaBackend.Initialize(new LlamaBackendOptions { LoggerFactory = factory });
        try
        {
            using var model = LlamaModel.Load(fixture.ModelPath);
        }
        finally
        {
            NativeLog.SetLogger(null);
        }

        Assert.Contains(collector.GetSnapshot(), r => r.Message.StartsWith("llama.cpp: ", StringComparison.Ordinal) && r.Message.Contains("llama", StringComparison.Ordinal));
    }
}
