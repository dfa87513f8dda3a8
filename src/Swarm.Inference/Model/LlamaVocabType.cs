namespace Swarm.Inference;

/// <summary>The tokenizer family of a vocabulary (<c>llama_vocab_type</c>).</summary>
public enum LlamaVocabType
{
    /// <summary>No vocabulary.</summary>
    None = 0,

    /// <summary>SentencePiece-style (byte-level BPE with byte fallback), GGUF <c>tokenizer.ggml.model = "llama"</c>.</summary>
    SentencePiece = 1,

    /// <summary>GPT-2 byte-level BPE.</summary>
    BytePairEncoding = 2,

    /// <summary>BERT WordPiece.</summary>
    WordPiece = 3,

    /// <summary>T5 Unigram.</summary>
    Unigram = 4,

    /// <summary>RWKV greedy tokenizer.</summary>
    Rwkv = 5,

    /// <summary>PLaMo-2 tokenizer.</summary>
    Plamo2 = 6,

    /// <summary>llama.cpp's test tokenizer.</summary>
    Test = 7,
}
