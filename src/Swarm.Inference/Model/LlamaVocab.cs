using System.Text;
using Swarm.Inference.Native;

namespace Swarm.Inference;

/// <summary>A model's vocabulary: special tokens, token text, tokenizer and detokenizer.</summary>
/// <remarks>Thread-safe. Valid as long as its <see cref="LlamaModel"/> is not disposed.</remarks>
public sealed class LlamaVocab
{
    private readonly LlamaModel model;
    private readonly nint vocab;

    internal LlamaVocab(LlamaModel model, nint vocab)
    {
        this.model = model;
        this.vocab = vocab;
        Count = LlamaNative.llama_vocab_n_tokens(vocab);
        Type = (LlamaVocabType)LlamaNative.llama_vocab_type(vocab);
        BeginningOfSequence = LlamaNative.llama_vocab_bos(vocab);
        EndOfSequence = LlamaNative.llama_vocab_eos(vocab);
        EndOfTurn = LlamaNative.llama_vocab_eot(vocab);
        NewLine = LlamaNative.llama_vocab_nl(vocab);
        AddsBeginningOfSequence = LlamaNative.llama_vocab_get_add_bos(vocab);
        AddsEndOfSequence = LlamaNative.llama_vocab_get_add_eos(vocab);
    }

    /// <summary>Gets the number of tokens.</summary>
    public int Count { get; }

    /// <summary>Gets the tokenizer family.</summary>
    public LlamaVocabType Type { get; }

    /// <summary>Gets the BOS token id, or -1 when there is none.</summary>
    public int BeginningOfSequence { get; }

    /// <summary>Gets the EOS token id, or -1 when there is none.</summary>
    public int EndOfSequence { get; }

    /// <summary>Gets the end-of-turn token id, or -1 when there is none.</summary>
    public int EndOfTurn { get; }

    /// <summary>Gets the newline token id, or -1 when there is none.</summary>
    public int NewLine { get; }

    /// <summary>Gets a value indicating whether tokenizing with special tokens prepends BOS.</summary>
    public bool AddsBeginningOfSequence { get; }

    /// <summary>Gets a value indicating whether tokenizing with special tokens appends EOS.</summary>
    public bool AddsEndOfSequence { get; }

    /// <summary>Gets a value indicating whether <paramref name="token"/> ends generation (EOS, EOT, ...).</summary>
    /// <param name="token">The token id.</param>
    /// <returns><see langword="true"/> for an end-of-generation token.</returns>
    public bool IsEndOfGeneration(int token) => LlamaNative.llama_vocab_is_eog(vocab, token);

    /// <summary>Gets a value indicating whether <paramref name="token"/> is a control token.</summary>
    /// <param name="token">The token id.</param>
    /// <returns><see langword="true"/> for a control token.</returns>
    public bool IsControl(int token) => LlamaNative.llama_vocab_is_control(vocab, token);

    /// <summary>Gets the stored text of a token as it appears in the vocabulary (for example <c>&lt;0x41&gt;</c>).</summary>
    /// <param name="token">The token id.</param>
    /// <returns>The token text.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="token"/> is not in the vocabulary.</exception>
    public string GetTokenText(int token)
    {
        CheckToken(token);
        model.ThrowIfDisposed();
        return LlamaNative.PtrToString(LlamaNative.llama_vocab_get_text(vocab, token)) ?? string.Empty;
    }

    /// <summary>Tokenizes text.</summary>
    /// <param name="text">The text.</param>
    /// <param name="addSpecial">Whether to add BOS/EOS as the model asks.</param>
    /// <param name="parseSpecial">Whether special-token text such as <c>&lt;s&gt;</c> in <paramref name="text"/> becomes the special token.</param>
    /// <returns>The token ids.</returns>
    public int[] Tokenize(string text, bool addSpecial = true, bool parseSpecial = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TokenizeUtf8(Encoding.UTF8.GetBytes(text), addSpecial, parseSpecial);
    }

    /// <summary>Tokenizes UTF-8 bytes.</summary>
    /// <param name="utf8">The UTF-8 text.</param>
    /// <param name="addSpecial">Whether to add BOS/EOS as the model asks.</param>
    /// <param name="parseSpecial">Whether special-token text becomes the special token.</param>
    /// <returns>The token ids.</returns>
    public unsafe int[] TokenizeUtf8(ReadOnlySpan<byte> utf8, bool addSpecial = true, bool parseSpecial = false)
    {
        model.ThrowIfDisposed();
        var capacity = utf8.Length + 8;
        while (true)
        {
            var tokens = new int[capacity];
            int n;
            fixed (byte* text = utf8)
            fixed (int* t = tokens)
            {
                n = LlamaNative.llama_tokenize(vocab, text, utf8.Length, t, tokens.Length, addSpecial, parseSpecial);
            }

            if (n >= 0)
            {
                return n == tokens.Length ? tokens : tokens.AsSpan(0, n).ToArray();
            }

            if (n == int.MinValue)
            {
                throw new ArgumentException("The text is too long to tokenize (more than 2^31 tokens).", nameof(utf8));
            }

            capacity = -n;
        }
    }

    /// <summary>Gets the bytes a token stands for (a piece may be part of a UTF-8 character).</summary>
    /// <param name="token">The token id.</param>
    /// <param name="renderSpecial">Whether special tokens are rendered as their text (otherwise they are empty).</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="token"/> is not in the vocabulary.</exception>
    public byte[] GetTokenBytes(int token, bool renderSpecial = false)
    {
        Span<byte> buffer = stackalloc byte[64];
        var n = CopyTokenBytes(token, buffer, renderSpecial);
        if (n <= buffer.Length)
        {
            return buffer[..n].ToArray();
        }

        var large = new byte[n];
        CopyTokenBytes(token, large, renderSpecial);
        return large;
    }

    /// <summary>Writes the bytes a token stands for into <paramref name="destination"/>.</summary>
    /// <param name="token">The token id.</param>
    /// <param name="destination">The buffer.</param>
    /// <param name="renderSpecial">Whether special tokens are rendered as their text.</param>
    /// <returns>The number of bytes; when larger than <paramref name="destination"/>, nothing was written and the caller retries with a larger buffer.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="token"/> is not in the vocabulary.</exception>
    public unsafe int CopyTokenBytes(int token, Span<byte> destination, bool renderSpecial = false)
    {
        CheckToken(token);
        model.ThrowIfDisposed();
        fixed (byte* buf = destination)
        {
            var n = LlamaNative.llama_token_to_piece(vocab, token, buf, destination.Length, 0, renderSpecial);
            return n < 0 ? -n : n;
        }
    }

    /// <summary>Converts tokens back to text (the inverse of <see cref="Tokenize(string, bool, bool)"/>).</summary>
    /// <param name="tokens">The token ids.</param>
    /// <param name="removeSpecial">Whether to drop a leading BOS / trailing EOS the model adds.</param>
    /// <param name="renderSpecial">Whether special tokens are rendered as their text.</param>
    /// <returns>The text; invalid UTF-8 becomes U+FFFD.</returns>
    public string Detokenize(ReadOnlySpan<int> tokens, bool removeSpecial = false, bool renderSpecial = false)
        => Encoding.UTF8.GetString(DetokenizeToBytes(tokens, removeSpecial, renderSpecial));

    /// <summary>Converts tokens back to the exact bytes they stand for.</summary>
    /// <param name="tokens">The token ids.</param>
    /// <param name="removeSpecial">Whether to drop a leading BOS / trailing EOS the model adds.</param>
    /// <param name="renderSpecial">Whether special tokens are rendered as their text.</param>
    /// <returns>The bytes.</returns>
    public unsafe byte[] DetokenizeToBytes(ReadOnlySpan<int> tokens, bool removeSpecial = false, bool renderSpecial = false)
    {
        model.ThrowIfDisposed();
        foreach (var t in tokens)
        {
            CheckToken(t);
        }

        var capacity = (tokens.Length * 4) + 16;
        while (true)
        {
            var buffer = new byte[capacity];
            int n;
            fixed (int* t = tokens)
            fixed (byte* b = buffer)
            {
                n = LlamaNative.llama_detokenize(vocab, t, tokens.Length, b, buffer.Length, removeSpecial, renderSpecial);
            }

            if (n >= 0)
            {
                return buffer.AsSpan(0, n).ToArray();
            }

            capacity = -n;
        }
    }

    private void CheckToken(int token)
    {
        if ((uint)token >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(token), token, $"Token {token} is not in the vocabulary of {Count} tokens.");
        }
    }
}
