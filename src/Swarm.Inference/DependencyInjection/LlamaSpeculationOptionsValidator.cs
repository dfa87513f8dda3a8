using System.Globalization;
using Microsoft.Extensions.Options;
using Swarm.Inference.Gguf;

namespace Swarm.Inference;

/// <summary>Checks <see cref="LlamaCppOptions.Speculation"/> beyond its DataAnnotations: the mode's required settings, the
/// draft file, and (from the GGUF metadata, without loading either model) that the draft's vocabulary equals the target's.</summary>
internal sealed class LlamaSpeculationOptionsValidator : IValidateOptions<LlamaCppOptions>
{
    private const string Prefix = nameof(LlamaCppOptions.Speculation) + ".";

    public ValidateOptionsResult Validate(string? name, LlamaCppOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var s = options.Speculation;
        var failures = new List<string>();
        if (!Enum.IsDefined(s.Mode))
        {
            failures.Add(F($"{Prefix}{nameof(s.Mode)} {(int)s.Mode} is not a {nameof(LlamaSpeculationMode)} (None, PromptLookup or DraftModel)."));
        }

        if (s.MinDraftLength > s.MaxDraftLength)
        {
            failures.Add(F($"{Prefix}{nameof(s.MinDraftLength)} ({s.MinDraftLength}) is greater than {nameof(s.MaxDraftLength)} ({s.MaxDraftLength})."));
        }

        if (s.MinNgramSize > s.MaxNgramSize)
        {
            failures.Add(F($"{Prefix}{nameof(s.MinNgramSize)} ({s.MinNgramSize}) is greater than {nameof(s.MaxNgramSize)} ({s.MaxNgramSize})."));
        }

        if (s.Mode == LlamaSpeculationMode.DraftModel)
        {
            ValidateDraft(options.ModelPath, s.DraftModelPath, failures);
        }
        else if (!string.IsNullOrEmpty(s.DraftModelPath))
        {
            failures.Add(F($"{Prefix}{nameof(s.DraftModelPath)} is set but {Prefix}{nameof(s.Mode)} is {s.Mode}: set the mode to {nameof(LlamaSpeculationMode.DraftModel)} or clear the path."));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateDraft(string targetPath, string? draftPath, List<string> failures)
    {
        if (string.IsNullOrEmpty(draftPath))
        {
            failures.Add(F($"{Prefix}{nameof(LlamaSpeculationOptions.DraftModelPath)} is required when {Prefix}{nameof(LlamaSpeculationOptions.Mode)} is {nameof(LlamaSpeculationMode.DraftModel)}."));
            return;
        }

        if (!File.Exists(draftPath))
        {
            failures.Add(F($"{Prefix}{nameof(LlamaSpeculationOptions.DraftModelPath)}: the draft model file '{draftPath}' does not exist."));
            return;
        }

        if (string.IsNullOrEmpty(targetPath) || !File.Exists(targetPath))
        {
            return; // the model path's own failure is reported by the DataAnnotations validator or at load
        }

        try
        {
            using var target = GgufFile.Open(targetPath);
            using var draft = GgufFile.Open(draftPath);
            if (FirstVocabularyDifference(target.Metadata, draft.Metadata) is { } difference)
            {
                failures.Add(F($"{Prefix}{nameof(LlamaSpeculationOptions.DraftModelPath)}: the draft model '{Path.GetFileName(draftPath)}' cannot draft for '{Path.GetFileName(targetPath)}': {difference}"));
            }
        }
        catch (Exception ex) when (ex is GgufFormatException or IOException or UnauthorizedAccessException)
        {
            failures.Add(F($"{Prefix}{nameof(LlamaSpeculationOptions.DraftModelPath)}: cannot read the vocabularies of '{draftPath}' and '{targetPath}': {ex.Message}"));
        }
    }

    /// <summary>Compares the tokenizer metadata llama.cpp builds a vocabulary from; <see langword="null"/> when equal.</summary>
    internal static string? FirstVocabularyDifference(IReadOnlyDictionary<string, GgufValue> target, IReadOnlyDictionary<string, GgufValue> draft)
    {
        var targetModel = Text(target, "tokenizer.ggml.model");
        var draftModel = Text(draft, "tokenizer.ggml.model");
        if (!string.Equals(targetModel, draftModel, StringComparison.Ordinal))
        {
            return F($"tokenizer type '{draftModel}' differs from the target's '{targetModel}'.");
        }

        var targetTokens = Tokens(target);
        var draftTokens = Tokens(draft);
        if (targetTokens.Length != draftTokens.Length)
        {
            return F($"it has {draftTokens.Length} tokens, the target {targetTokens.Length}.");
        }

        foreach (var key in new[] { "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token" })
        {
            var a = Scalar(target, key);
            var b = Scalar(draft, key);
            if (!string.Equals(a, b, StringComparison.Ordinal))
            {
                return F($"{key} is {b ?? "unset"} in the draft but {a ?? "unset"} in the target.");
            }
        }

        for (var i = 0; i < targetTokens.Length; i++)
        {
            if (!string.Equals(targetTokens[i], draftTokens[i], StringComparison.Ordinal))
            {
                return F($"token {i} is '{draftTokens[i]}' in the draft but '{targetTokens[i]}' in the target.");
            }
        }

        return null;
    }

    private static string? Text(IReadOnlyDictionary<string, GgufValue> metadata, string key)
        => metadata.TryGetValue(key, out var v) && v.Type == GgufValueType.String ? v.AsString() : null;

    private static string[] Tokens(IReadOnlyDictionary<string, GgufValue> metadata)
        => metadata.TryGetValue("tokenizer.ggml.tokens", out var v) && v.Value is string[] tokens ? tokens : [];

    private static string? Scalar(IReadOnlyDictionary<string, GgufValue> metadata, string key)
        => metadata.TryGetValue(key, out var v) && v.Type != GgufValueType.Array ? Convert.ToString(v.Value, CultureInfo.InvariantCulture) : null;

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
