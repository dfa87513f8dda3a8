using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Swarm.Inference.Native;

/// <summary>Source-generated P/Invoke declarations of the llama.h and ggml C API used by the binding (llama.cpp v0.5.0).</summary>
/// <remarks>Library names are logical; <see cref="NativeLibraryLoader"/> resolves them to full paths.</remarks>
[SuppressMessage("Style", "IDE1006:Naming Styles", Justification = "Native names are kept verbatim.")]
[SuppressMessage("Naming", "CA1707:Identifiers should not contain underscores", Justification = "Native names are kept verbatim.")]
internal static unsafe partial class LlamaNative
{
    public const string LlamaLibrary = "llama";
    public const string GgmlLibrary = "ggml";
    public const string GgmlBaseLibrary = "ggml-base";

    // ---- version, backend, logging -------------------------------------------------------------

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_version();

    [LibraryImport(GgmlBaseLibrary)]
    public static partial nint ggml_version();

    [LibraryImport(GgmlLibrary, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void ggml_backend_load_all_from_path(string dirPath);

    [LibraryImport(GgmlLibrary)]
    public static partial nuint ggml_backend_dev_count();

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_backend_init();

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_log_set(delegate* unmanaged[Cdecl]<int, byte*, nint, void> callback, nint userData);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_print_system_info();

    [LibraryImport(LlamaLibrary)]
    public static partial nuint llama_max_parallel_sequences();

    [LibraryImport(LlamaLibrary)]
    public static partial LlamaModelParams llama_model_default_params();

    [LibraryImport(LlamaLibrary)]
    public static partial LlamaContextParams llama_context_default_params();

    [LibraryImport(LlamaLibrary)]
    public static partial LlamaSamplerChainParams llama_sampler_chain_default_params();

    // ---- model -----------------------------------------------------------------------------------

    [LibraryImport(LlamaLibrary, StringMarshalling = StringMarshalling.Utf8)]
    public static partial SafeLlamaModelHandle llama_model_load_from_file(string pathModel, LlamaModelParams parameters);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_model_free(nint model);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_model_get_vocab(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_model_n_ctx_train(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_model_n_embd(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_model_n_layer(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_model_n_head(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    public static partial ulong llama_model_size(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    public static partial ulong llama_model_n_params(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_model_desc(SafeLlamaModelHandle model, byte* buf, nuint bufSize);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_model_meta_count(SafeLlamaModelHandle model);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_model_meta_key_by_index(SafeLlamaModelHandle model, int i, byte* buf, nuint bufSize);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_model_meta_val_str_by_index(SafeLlamaModelHandle model, int i, byte* buf, nuint bufSize);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_model_chat_template(SafeLlamaModelHandle model, byte* name);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_chat_apply_template(byte* tmpl, LlamaChatMessageNative* chat, nuint nMsg, [MarshalAs(UnmanagedType.U1)] bool addAssistant, byte* buf, int length);

    // ---- vocab (the vocab pointer lives as long as its model) ------------------------------------

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_vocab_type(nint vocab);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_vocab_n_tokens(nint vocab);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_vocab_bos(nint vocab);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_vocab_eos(nint vocab);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_vocab_eot(nint vocab);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_vocab_nl(nint vocab);

    [LibraryImport(LlamaLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_get_add_bos(nint vocab);

    [LibraryImport(LlamaLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_get_add_eos(nint vocab);

    [LibraryImport(LlamaLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_is_eog(nint vocab, int token);

    [LibraryImport(LlamaLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_vocab_is_control(nint vocab, int token);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_vocab_get_text(nint vocab, int token);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_tokenize(nint vocab, byte* text, int textLength, int* tokens, int maxTokens, [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_token_to_piece(nint vocab, int token, byte* buf, int length, int lstrip, [MarshalAs(UnmanagedType.U1)] bool special);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_detokenize(nint vocab, int* tokens, int nTokens, byte* text, int maxLength, [MarshalAs(UnmanagedType.U1)] bool removeSpecial, [MarshalAs(UnmanagedType.U1)] bool unparseSpecial);

    // ---- context -----------------------------------------------------------------------------------

    [LibraryImport(LlamaLibrary)]
    public static partial SafeLlamaContextHandle llama_init_from_model(SafeLlamaModelHandle model, LlamaContextParams parameters);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_free(nint context);

    [LibraryImport(LlamaLibrary)]
    public static partial uint llama_n_ctx(SafeLlamaContextHandle context);

    [LibraryImport(LlamaLibrary)]
    public static partial uint llama_n_ctx_seq(SafeLlamaContextHandle context);

    [LibraryImport(LlamaLibrary)]
    public static partial uint llama_n_batch(SafeLlamaContextHandle context);

    [LibraryImport(LlamaLibrary)]
    public static partial uint llama_n_ubatch(SafeLlamaContextHandle context);

    [LibraryImport(LlamaLibrary)]
    public static partial uint llama_n_seq_max(SafeLlamaContextHandle context);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_n_threads(SafeLlamaContextHandle context);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_set_n_threads(SafeLlamaContextHandle context, int threads, int threadsBatch);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_decode(SafeLlamaContextHandle context, LlamaBatchNative batch);

    [LibraryImport(LlamaLibrary)]
    public static partial float* llama_get_logits_ith(SafeLlamaContextHandle context, int i);

    [LibraryImport(LlamaLibrary)]
    public static partial float* llama_get_embeddings_seq(SafeLlamaContextHandle context, int seqId);

    [LibraryImport(LlamaLibrary)]
    public static partial float* llama_get_embeddings_ith(SafeLlamaContextHandle context, int i);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_get_memory(SafeLlamaContextHandle context);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_memory_clear(nint memory, [MarshalAs(UnmanagedType.U1)] bool data);

    [LibraryImport(LlamaLibrary)]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool llama_memory_seq_rm(nint memory, int seqId, int p0, int p1);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_memory_seq_cp(nint memory, int seqIdSrc, int seqIdDst, int p0, int p1);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_memory_seq_keep(nint memory, int seqId);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_memory_seq_pos_min(nint memory, int seqId);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_memory_seq_pos_max(nint memory, int seqId);

    // ---- sampling --------------------------------------------------------------------------------

    [LibraryImport(LlamaLibrary)]
    public static partial SafeLlamaSamplerHandle llama_sampler_chain_init(LlamaSamplerChainParams parameters);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_sampler_chain_add(SafeLlamaSamplerHandle chain, nint sampler);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_sampler_free(nint sampler);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_greedy();

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_dist(uint seed);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_top_k(int k);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_top_p(float p, nuint minKeep);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_min_p(float p, nuint minKeep);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_temp(float t);

    [LibraryImport(LlamaLibrary)]
    public static partial nint llama_sampler_init_penalties(int lastN, float repeat, float frequency, float present);

    [LibraryImport(LlamaLibrary)]
    public static partial int llama_sampler_sample(SafeLlamaSamplerHandle sampler, SafeLlamaContextHandle context, int idx);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_sampler_accept(SafeLlamaSamplerHandle sampler, int token);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_sampler_reset(SafeLlamaSamplerHandle sampler);

    [LibraryImport(LlamaLibrary)]
    public static partial void llama_sampler_apply(SafeLlamaSamplerHandle sampler, LlamaTokenDataArray* candidates);

    /// <summary>Reads a NUL-terminated UTF-8 string owned by the native library.</summary>
    public static string? PtrToString(nint value) => Marshal.PtrToStringUTF8(value);

    /// <summary>Size in bytes of a blittable struct as this runtime lays it out.</summary>
    public static int SizeOf<T>()
        where T : unmanaged => Unsafe.SizeOf<T>();
}
