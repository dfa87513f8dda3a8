// The physical limit of the binding: a plain C loop over llama.h (llama.cpp v0.5.0).
// Greedy sampling, one thread, prompt tokens already in a batch. Built by build.sh as
//   libswarm_llama_loop.so  (called in-process by the BenchmarkDotNet suite, same library and GGUF as the binding)
//   llama_loop              (standalone: ./llama_loop <model.gguf> [n_prompt] [n_gen])
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "llama.h"

typedef struct swarm_loop {
    struct llama_model * model;
    struct llama_context * ctx;
    struct llama_sampler * sampler;
    struct llama_batch batch;
} swarm_loop;

swarm_loop * swarm_loop_create(const char * model_path, int n_ctx, int n_batch, int n_threads) {
    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    mp.load_mode = LLAMA_LOAD_MODE_MMAP;
    struct llama_model * model = llama_model_load_from_file(model_path, mp);
    if (model == NULL) {
        return NULL;
    }

    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t) n_ctx;
    cp.n_batch = (uint32_t) n_batch;
    cp.n_ubatch = (uint32_t) n_batch;
    cp.n_seq_max = 1;
    cp.n_outputs_max_per_seq = 0;
    cp.n_threads = n_threads;
    cp.n_threads_batch = n_threads;
    cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
    cp.no_perf = true;
    struct llama_context * ctx = llama_init_from_model(model, cp);
    if (ctx == NULL) {
        llama_model_free(model);
        return NULL;
    }

    struct llama_sampler_chain_params sp = llama_sampler_chain_default_params();
    sp.no_perf = true;
    struct llama_sampler * sampler = llama_sampler_chain_init(sp);
    llama_sampler_chain_add(sampler, llama_sampler_init_greedy());

    swarm_loop * loop = (swarm_loop *) calloc(1, sizeof(swarm_loop));
    loop->model = model;
    loop->ctx = ctx;
    loop->sampler = sampler;
    loop->batch = llama_batch_init(n_batch, 0, 1);
    return loop;
}

// Prefills the prompt (one batch, logits for the last token) after removing sequence 0 from the cache. Returns 0 on success.
int swarm_loop_prefill(swarm_loop * loop, const int * prompt, int n_prompt) {
    llama_memory_seq_rm(llama_get_memory(loop->ctx), 0, -1, -1);
    struct llama_batch * b = &loop->batch;
    b->n_tokens = n_prompt;
    for (int i = 0; i < n_prompt; i++) {
        b->token[i] = prompt[i];
        b->pos[i] = i;
        b->n_seq_id[i] = 1;
        b->seq_id[i][0] = 0;
        b->logits[i] = (int8_t) (i == n_prompt - 1);
    }
    return llama_decode(loop->ctx, *b);
}

// Prefills, then generates n_gen tokens greedily into out (may be NULL). Returns the number generated, or < 0 on error.
int swarm_loop_generate(swarm_loop * loop, const int * prompt, int n_prompt, int n_gen, int * out) {
    if (swarm_loop_prefill(loop, prompt, n_prompt) != 0) {
        return -1;
    }

    struct llama_batch * b = &loop->batch;
    int idx = n_prompt - 1;
    for (int i = 0; i < n_gen; i++) {
        llama_token t = llama_sampler_sample(loop->sampler, loop->ctx, idx);
        if (out != NULL) {
            out[i] = t;
        }
        if (i == n_gen - 1) {
            break;
        }
        b->n_tokens = 1;
        b->token[0] = t;
        b->pos[0] = n_prompt + i;
        b->n_seq_id[0] = 1;
        b->seq_id[0][0] = 0;
        b->logits[0] = 1;
        if (llama_decode(loop->ctx, *b) != 0) {
            return -2;
        }
        idx = 0;
    }
    return n_gen;
}

void swarm_loop_free(swarm_loop * loop) {
    if (loop == NULL) {
        return;
    }
    llama_batch_free(loop->batch);
    llama_sampler_free(loop->sampler);
    llama_free(loop->ctx);
    llama_model_free(loop->model);
    free(loop);
}

#ifdef SWARM_LOOP_MAIN
static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static void quiet(enum ggml_log_level level, const char * text, void * data) {
    (void) level; (void) text; (void) data;
}

int main(int argc, char ** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s <model.gguf> [n_prompt=16] [n_gen=128] [native_dir]\n", argv[0]);
        return 2;
    }
    int n_prompt = argc > 2 ? atoi(argv[2]) : 16;
    int n_gen = argc > 3 ? atoi(argv[3]) : 128;
    llama_log_set(quiet, NULL);
    ggml_backend_load_all_from_path(argc > 4 ? argv[4] : ".");
    swarm_loop * loop = swarm_loop_create(argv[1], 2048, 512, 1);
    if (loop == NULL) {
        fprintf(stderr, "cannot load %s\n", argv[1]);
        return 1;
    }
    int * prompt = (int *) malloc(sizeof(int) * (size_t) n_prompt);
    for (int i = 0; i < n_prompt; i++) {
        prompt[i] = 3 + (i * 7) % 250;
    }
    swarm_loop_generate(loop, prompt, n_prompt, n_gen, NULL); // warm-up
    double t0 = now_s();
    int rc = swarm_loop_prefill(loop, prompt, n_prompt);
    double t1 = now_s();
    int n = swarm_loop_generate(loop, prompt, n_prompt, n_gen, NULL);
    double t2 = now_s();
    if (rc != 0 || n != n_gen) {
        fprintf(stderr, "decode failed\n");
        return 1;
    }
    double gen = (t2 - t1) - (t1 - t0);
    printf("prompt %d tokens: %.1f tok/s; generation %d tokens: %.1f tok/s\n", n_prompt, n_prompt / (t1 - t0), n_gen, (n_gen - 1) / gen);
    free(prompt);
    swarm_loop_free(loop);
    return 0;
}
#endif
