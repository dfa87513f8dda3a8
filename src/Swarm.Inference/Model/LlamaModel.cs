using System.Collections.Frozen;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Swarm.Inference.Native;

namespace Swarm.Inference;

/// <summary>A GGUF model loaded by llama.cpp: weights, vocabulary, metadata and chat template.</summary>
/// <remarks>
/// Thread-safe for reads (metadata, tokenization); create one <see cref="LlamaContext"/> per concurrent user, or share
/// one through <see cref="LlamaBatchedDecoder"/>. Contexts keep the native model alive until they are disposed.
/// </remarks>
public sealed unsafe class LlamaModel : IDisposable
{
    /// <summary>The built-in template used when a model carries none (<c>chatml</c>).</summary>
    public const string FallbackChatTemplate = "chatml";

    private readonly SafeLlamaModelHandle handle;

    private LlamaModel(string path, SafeLlamaModelHandle handle, bool vocabularyOnly)
    {
        Path = path;
        this.handle = handle;
        Metadata = ReadMetadata(handle);
        Description = vocabularyOnly ? "vocabulary only" : ReadString((buf, size) => LlamaNative.llama_model_desc(handle, buf, size));
        IsVocabularyOnly = vocabularyOnly;
        if (!vocabularyOnly)
        {
            // llama.cpp v0.5.0 aborts on per-layer queries of a vocabulary-only model.
            ParameterCount = LlamaNative.llama_model_n_params(handle);
            SizeInBytes = LlamaNative.llama_model_size(handle);
            LayerCount = LlamaNative.llama_model_n_layer(handle);
            EmbeddingLength = LlamaNative.llama_model_n_embd(handle);
            HeadCount = LlamaNative.llama_model_n_head(handle);
            TrainingContextLength = LlamaNative.llama_model_n_ctx_train(handle);
        }

        unsafe
        {
            ChatTemplate = LlamaNative.PtrToString(LlamaNative.llama_model_chat_template(handle, null));
        }

        Vocab = new LlamaVocab(this, LlamaNative.llama_model_get_vocab(handle));
    }

    /// <summary>Gets the path the model was loaded from.</summary>
    public string Path { get; }

    /// <summary>Gets all GGUF metadata as strings (arrays are summarized by llama.cpp).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets llama.cpp's one-line description (architecture, size, type).</summary>
    public string Description { get; }

    /// <summary>Gets the <c>general.architecture</c> value, for example <c>llama</c>.</summary>
    public string Architecture => Metadata.TryGetValue("general.architecture", out var arch) ? arch : string.Empty;

    /// <summary>Gets a value indicating whether only the vocabulary was loaded (no weights; the size properties are 0 and no context can be created).</summary>
    public bool IsVocabularyOnly { get; }

    /// <summary>Gets the number of parameters.</summary>
    public ulong ParameterCount { get; }

    /// <summary>Gets the total size of the weights in bytes.</summary>
    public ulong SizeInBytes { get; }

    /// <summary>Gets the number of layers (blocks).</summary>
    public int LayerCount { get; }

    /// <summary>Gets the embedding width.</summary>
    public int EmbeddingLength { get; }

    /// <summary>Gets the number of attention heads.</summary>
    public int HeadCount { get; }

    /// <summary>Gets the context length the model was trained with (<c>&lt;arch&gt;.context_length</c>).</summary>
    public int TrainingContextLength { get; }

    /// <summary>Gets the model's Jinja chat template (<c>tokenizer.chat_template</c>), or <see langword="null"/> when it has none.</summary>
    public string? ChatTemplate { get; }

    /// <summary>Gets the vocabulary and tokenizer.</summary>
    public LlamaVocab Vocab { get; }

    internal SafeLlamaModelHandle Handle => handle;

    /// <summary>Loads a GGUF model file.</summary>
    /// <param name="path">The GGUF file.</param>
    /// <param name="options">Load options; <see langword="null"/> for the defaults (CPU, memory-mapped).</param>
    /// <returns>The loaded model.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="LlamaNativeLibraryException">The native libraries are missing or of the wrong version.</exception>
    /// <exception cref="LlamaModelLoadException">The file is missing, not GGUF, truncated, or llama.cpp rejects it; the message says why.</exception>
    public static LlamaModel Load(string path, LlamaModelOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        options ??= new LlamaModelOptions();
        LlamaBackend.Initialize(options.Backend);

        var fullPath = System.IO.Path.GetFullPath(path);
        CheckFile(fullPath);

        var parameters = LlamaNative.llama_model_default_params();
        parameters.NGpuLayers = options.GpuLayerCount;
        parameters.LoadMode = options.UseMemoryMap ? 1 : 0; // LLAMA_LOAD_MODE_MMAP : LLAMA_LOAD_MODE_NONE
        parameters.VocabOnly = options.VocabularyOnly ? (byte)1 : (byte)0;
        parameters.CheckTensors = options.CheckTensors ? (byte)1 : (byte)0;

        var overrides = options.MetadataOverrides;
        MoeExpertTrimming.ValidateOverrides(fullPath, overrides); // llama.cpp aborts on a bad expert_used_count
        var native = overrides.Count == 0 ? IntPtr.Zero : BuildOverrides(overrides);
        SafeLlamaModelHandle handle;
        try
        {
            parameters.KvOverrides = native;
            NativeLog.ClearRecentErrors();
            handle = LlamaNative.llama_model_load_from_file(fullPath, parameters);
        }
        finally
        {
            if (native != IntPtr.Zero)
            {
                Marshal.FreeHGlobal(native);
            }
        }

        if (handle.IsInvalid)
        {
            handle.Dispose();
            var reason = NativeLog.RecentErrors();
            throw new LlamaModelLoadException(
                $"llama.cpp could not load the model '{fullPath}'{(reason.Length > 0 ? ": " + reason : " (no reason was logged)")}. Check that it is a complete GGUF file of an architecture llama.cpp v0.5.0 supports.");
        }

        return new LlamaModel(fullPath, handle, options.VocabularyOnly);
    }

    /// <summary>Gets one metadata value as a string.</summary>
    /// <param name="key">The GGUF key, for example <c>llama.block_count</c>.</param>
    /// <returns>The value, or <see langword="null"/> when the model has no such key.</returns>
    public string? GetMetadata(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Metadata.TryGetValue(key, out var value) ? value : null;
    }

    /// <summary>Creates an inference context (KV cache, logits buffers) on this model.</summary>
    /// <param name="options">Context options; <see langword="null"/> for the defaults.</param>
    /// <returns>The context.</returns>
    /// <exception cref="ObjectDisposedException">The model is disposed.</exception>
    /// <exception cref="LlamaDecodeException">llama.cpp could not create the context (for example out of memory).</exception>
    public LlamaContext CreateContext(LlamaContextOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        if (IsVocabularyOnly)
        {
            throw new InvalidOperationException($"The model '{Path}' was loaded with LlamaModelOptions.VocabularyOnly; load its weights to create a context.");
        }

        return new LlamaContext(this, options ?? new LlamaContextOptions());
    }

    /// <summary>Formats messages with a chat template into a prompt.</summary>
    /// <param name="messages">The conversation.</param>
    /// <param name="addAssistantPrompt">Whether to end with the assistant turn's opening.</param>
    /// <param name="template">A template (Jinja text llama.cpp recognizes, or a built-in name such as <c>chatml</c>); <see langword="null"/> for the model's, or <see cref="FallbackChatTemplate"/> if it has none.</param>
    /// <returns>The prompt text.</returns>
    /// <exception cref="ArgumentException">llama.cpp does not support the template.</exception>
    public string ApplyChatTemplate(IEnumerable<LlamaChatMessage> messages, bool addAssistantPrompt = true, string? template = null)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var list = messages.ToList();
        template ??= ChatTemplate ?? FallbackChatTemplate;
        var allocations = new List<nint>(list.Count * 2 + 1);
        try
        {
            var tmpl = Marshal.StringToCoTaskMemUTF8(template);
            allocations.Add(tmpl);
            var chat = new LlamaChatMessageNative[list.Count];
            var totalLength = 0;
            for (var i = 0; i < list.Count; i++)
            {
                var role = Marshal.StringToCoTaskMemUTF8(list[i].Role);
                var content = Marshal.StringToCoTaskMemUTF8(list[i].Content);
                allocations.Add(role);
                allocations.Add(content);
                chat[i] = new LlamaChatMessageNative { Role = role, Content = content };
                totalLength += Encoding.UTF8.GetByteCount(list[i].Content) + Encoding.UTF8.GetByteCount(list[i].Role);
            }

            var buffer = new byte[(totalLength * 2) + 256];
            unsafe
            {
                fixed (LlamaChatMessageNative* chatPtr = chat)
                {
                    while (true)
                    {
                        int n;
                        fixed (byte* buf = buffer)
                        {
                            n = LlamaNative.llama_chat_apply_template((byte*)tmpl, chatPtr, (nuint)chat.Length, addAssistantPrompt, buf, buffer.Length);
                        }

                        if (n < 0)
                        {
                            throw new ArgumentException($"llama.cpp v0.5.0 does not support the chat template '{Shorten(template)}'.", nameof(template));
                        }

                        if (n <= buffer.Length)
                        {
                            return Encoding.UTF8.GetString(buffer, 0, n);
                        }

                        buffer = new byte[n];
                    }
                }
            }
        }
        finally
        {
            foreach (var p in allocations)
            {
                Marshal.FreeCoTaskMem(p);
            }
        }
    }

    /// <summary>Releases the native model once every context on it is disposed.</summary>
    public void Dispose() => handle.Dispose();

    /// <inheritdoc />
    public override string ToString() => $"{System.IO.Path.GetFileName(Path)} ({Description})";

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(handle.IsClosed, this);

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";

    private static void CheckFile(string fullPath)
    {
        if (!File.Exists(fullPath))
        {
            throw new LlamaModelLoadException($"The model file '{fullPath}' does not exist.", new FileNotFoundException(null, fullPath));
        }

        Span<byte> magic = stackalloc byte[8];
        using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            var read = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            if (read < 8 || !magic[..4].SequenceEqual("GGUF"u8))
            {
                throw new LlamaModelLoadException($"'{fullPath}' is not a GGUF file (it does not start with the GGUF magic; {read} bytes read).");
            }

            var version = BitConverter.ToUInt32(magic[4..]);
            if (version is < 2 or > 3)
            {
                throw new LlamaModelLoadException(string.Create(CultureInfo.InvariantCulture, $"'{fullPath}' is GGUF version {version}; llama.cpp v0.5.0 reads versions 2 and 3."));
            }
        }
    }

    private static unsafe nint BuildOverrides(IList<LlamaKvOverride> overrides)
    {
        var size = sizeof(LlamaModelKvOverrideNative);
        var memory = Marshal.AllocHGlobal(size * (overrides.Count + 1));
        new Span<byte>((void*)memory, size * (overrides.Count + 1)).Clear(); // the zeroed last entry terminates the list
        var items = (LlamaModelKvOverrideNative*)memory;
        for (var i = 0; i < overrides.Count; i++)
        {
            var o = overrides[i];
            ref var item = ref items[i];
            item.Tag = (int)o.Type;
            var keyBytes = new Span<byte>(Unsafe.AsPointer(ref item.Key[0]), LlamaModelKvOverrideNative.KeyCapacity);
            Encoding.UTF8.GetBytes(o.Key, keyBytes);
            switch (o.Type)
            {
                case LlamaKvOverrideType.Integer:
                    item.ValI64 = o.IntValue;
                    break;
                case LlamaKvOverrideType.FloatingPoint:
                    item.ValF64 = o.FloatValue;
                    break;
                case LlamaKvOverrideType.Boolean:
                    item.ValBool = o.BoolValue ? (byte)1 : (byte)0;
                    break;
                default:
                    Encoding.UTF8.GetBytes(o.StringValue!, new Span<byte>(Unsafe.AsPointer(ref item.ValStr[0]), LlamaModelKvOverrideNative.StringCapacity));
                    break;
            }
        }

        return memory;
    }

    private static FrozenDictionary<string, string> ReadMetadata(SafeLlamaModelHandle model)
    {
        var count = LlamaNative.llama_model_meta_count(model);
        var result = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var index = i;
            var key = ReadString((buf, size) => LlamaNative.llama_model_meta_key_by_index(model, index, buf, size));
            var value = ReadString((buf, size) => LlamaNative.llama_model_meta_val_str_by_index(model, index, buf, size));
            result[key] = value;
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private unsafe delegate int NativeStringReader(byte* buffer, nuint size);

    private static unsafe string ReadString(NativeStringReader read)
    {
        var buffer = new byte[256];
        while (true)
        {
            int n;
            fixed (byte* p = buffer)
            {
                n = read(p, (nuint)buffer.Length);
            }

            if (n < 0)
            {
                return string.Empty;
            }

            if (n < buffer.Length)
            {
                return Encoding.UTF8.GetString(buffer, 0, n);
            }

            buffer = new byte[n + 1];
        }
    }
}
