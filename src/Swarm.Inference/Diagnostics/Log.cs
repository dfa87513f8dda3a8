using Microsoft.Extensions.Logging;

namespace Swarm.Inference;

/// <summary>Source-generated log messages of Swarm.Inference.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 1, Message = "llama.cpp: {Line}")]
    public static partial void NativeLogLine(ILogger logger, LogLevel level, string line);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Loaded llama.cpp {LlamaVersion} (ggml {GgmlVersion}) from {Directory} with {DeviceCount} backend device(s)")]
    public static partial void BackendLoaded(ILogger logger, string llamaVersion, string ggmlVersion, string directory, int deviceCount);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Loaded model {Path}: {Description}, {ParameterCount} parameters")]
    public static partial void ModelLoaded(ILogger logger, string path, string description, ulong parameterCount);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Sequence {SequenceId} joined the batched decoder with {PromptTokens} prompt tokens")]
    public static partial void SequenceJoined(ILogger logger, int sequenceId, int promptTokens);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Sequence {SequenceId} left the batched decoder after {GeneratedTokens} tokens ({Reason})")]
    public static partial void SequenceLeft(ILogger logger, int sequenceId, int generatedTokens, string reason);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "The batched decoder loop failed")]
    public static partial void DecoderLoopFailed(ILogger logger, Exception exception);
}
