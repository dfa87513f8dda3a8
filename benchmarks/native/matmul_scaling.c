// Weight-matrix multiply cost against the number of token columns, on ggml's CPU backend of llama.cpp v0.5.0 (the
// same libraries Swarm.Inference loads). It isolates what bounds batched decoding and speculative verification: a
// one-token decode streams every weight once (memory-bound), a batch of n tokens multiplies the same weights by n
// columns, so the batch costs little more than one token only while the CPU's matrix kernels keep up with memory.
//
// Usage: matmul_scaling <ggml type id: 0 F32, 1 F16, 8 Q8_0, 30 BF16 ...> [threads=1] [k=2048] [m=5632] [matrices=24]
// Prints, for n = 1, 2, 3, 4, 6, 8, 12, 16 columns, the median time over 7 runs, the cost relative to n = 1, the weight
// bytes streamed per second and the arithmetic rate.
#define _POSIX_C_SOURCE 199309L
#include "ggml.h"
#include "ggml-alloc.h"
#include "ggml-backend.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int by_value(const void * a, const void * b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char ** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s <ggml type id> [threads] [k] [m] [matrices]\n", argv[0]);
        return 2;
    }
    const enum ggml_type type = (enum ggml_type)atoi(argv[1]);
    const int threads = argc > 2 ? atoi(argv[2]) : 1;
    const int k = argc > 3 ? atoi(argv[3]) : 2048;
    const int m = argc > 4 ? atoi(argv[4]) : 5632;
    const int matrices = argc > 5 ? atoi(argv[5]) : 24;
    const char * dir = getenv("SWARM_LLAMA_NATIVE_DIR");
    if (dir == NULL || dir[0] == '\0') {
        fprintf(stderr, "set SWARM_LLAMA_NATIVE_DIR to the folder eng/setup.sh fills (.native/llama)\n");
        return 2;
    }
    if (matrices < 1 || matrices > 64 || threads < 1 || k % ggml_blck_size(type) != 0) {
        fprintf(stderr, "bad arguments: 1..64 matrices, threads >= 1, k a multiple of the type's block size\n");
        return 2;
    }

    ggml_log_set(NULL, NULL);
    ggml_backend_load_all_from_path(dir);
    ggml_backend_t backend = ggml_backend_init_by_type(GGML_BACKEND_DEVICE_TYPE_CPU, NULL);
    if (backend == NULL) {
        fprintf(stderr, "no CPU backend found in %s\n", dir);
        return 1;
    }
    ggml_backend_reg_t reg = ggml_backend_dev_backend_reg(ggml_backend_get_device(backend));
    ggml_backend_set_n_threads_t set_threads = (ggml_backend_set_n_threads_t)ggml_backend_reg_get_proc_address(reg, "ggml_backend_set_n_threads");
    if (set_threads != NULL) {
        set_threads(backend, threads);
    }

    printf("type %s, k %d, m %d, %d matrices (%.0f MB), %d thread(s)\n", ggml_type_name(type), k, m, matrices,
           (double)ggml_row_size(type, k) * m * matrices / 1e6, threads);
    printf("| tokens | median ms | cost vs 1 | weight GB/s | GFLOP/s |\n|---:|---:|---:|---:|---:|\n");
    static const int columns[] = {1, 2, 3, 4, 6, 8, 12, 16};
    double single = 0;
    for (size_t c = 0; c < sizeof columns / sizeof columns[0]; c++) {
        const int n = columns[c];
        struct ggml_init_params tensors = {ggml_tensor_overhead() * (size_t)(matrices + 1), NULL, true};
        struct ggml_context * weights = ggml_init(tensors);
        struct ggml_tensor * x = ggml_new_tensor_2d(weights, GGML_TYPE_F32, k, n);
        struct ggml_tensor * w[64];
        for (int i = 0; i < matrices; i++) {
            w[i] = ggml_new_tensor_2d(weights, type, k, m);
        }
        ggml_backend_buffer_t buffer = ggml_backend_alloc_ctx_tensors(weights, backend);
        ggml_backend_buffer_clear(buffer, 0);

        struct ggml_init_params nodes = {ggml_tensor_overhead() * (size_t)(matrices + 1) + ggml_graph_overhead(), NULL, true};
        struct ggml_context * graph_context = ggml_init(nodes);
        struct ggml_cgraph * graph = ggml_new_graph(graph_context);
        for (int i = 0; i < matrices; i++) {
            ggml_build_forward_expand(graph, ggml_mul_mat(graph_context, w[i], x));
        }
        ggml_gallocr_t allocator = ggml_gallocr_new(ggml_backend_get_default_buffer_type(backend));
        ggml_gallocr_alloc_graph(allocator, graph);

        ggml_backend_graph_compute(backend, graph);
        double runs[7];
        for (int r = 0; r < 7; r++) {
            const double start = seconds();
            ggml_backend_graph_compute(backend, graph);
            runs[r] = seconds() - start;
        }
        qsort(runs, 7, sizeof runs[0], by_value);
        const double median = runs[3];
        if (n == 1) {
            single = median;
        }
        const double bytes = (double)ggml_nbytes(w[0]) * matrices;
        printf("| %d | %.2f | %.2f | %.1f | %.1f |\n", n, median * 1e3, median / single, bytes / median / 1e9,
               2.0 * k * m * n * matrices / median / 1e9);

        ggml_gallocr_free(allocator);
        ggml_backend_buffer_free(buffer);
        ggml_free(graph_context);
        ggml_free(weights);
    }
    ggml_backend_free(backend);
    return 0;
}
