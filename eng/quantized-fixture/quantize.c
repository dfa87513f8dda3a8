// Quantizes a GGUF model with llama.cpp's own quantizer (llama_model_quantize), so Swarm.Inference's GGUF reader can
// be tested against files llama.cpp wrote. Usage: quantize <native-lib-dir> <input.gguf> <output.gguf> <ftype>
#include <stdio.h>
#include <stdlib.h>
#include "llama.h"
#include "ggml-backend.h"

int main(int argc, char ** argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s <native-lib-dir> <input.gguf> <output.gguf> <llama_ftype number>\n", argv[0]);
        return 2;
    }

    ggml_backend_load_all_from_path(argv[1]);
    llama_backend_init();
    llama_model_quantize_params params = llama_model_quantize_default_params();
    params.nthread = 1;
    params.ftype = (enum llama_ftype)atoi(argv[4]);
    uint32_t rc = llama_model_quantize(argv[2], argv[3], &params);
    if (rc != 0) {
        fprintf(stderr, "llama_model_quantize failed: %u\n", rc);
        return 1;
    }

    return 0;
}
