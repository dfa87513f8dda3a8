// node-llama-cpp 3.22.1 side of the Swarm.Inference comparison: for one GGUF target (and optionally a draft GGUF of the
// same vocabulary) and one prompt given as token ids, measures greedy generation of N tokens from a cold sequence in
// these modes - plain, draft-model speculation (DraftSequenceTokenPredictor with the given K, or "draft-defaults" with
// the predictor's own defaults) and input lookup (InputLookupTokenPredictor, given the prompt as its input tokens, as
// LlamaCompletion does) - and prints one JSON object on stdout.
//
//   node side-by-side.mjs --model target.gguf [--draft draft.gguf] --prompt-tokens 1,2,3 --tokens 48
//        [--modes plain,draft,lookup] [--runs 3] [--threads 1] [--draft-min 0] [--draft-max 16] [--draft-min-confidence 0]
//        [--lookup-max 16] [--native-dir ../../.native/llama]
//
// Every run clears the target (and draft) sequence first, so nothing is reused between runs (cold caches).
// The llama.cpp libraries are the prebuilt ones of @node-llama-cpp/linux-x64@3.22.1, which is the package
// eng/setup.sh extracts into .native/llama; with --native-dir the script hashes both copies and reports whether
// they are identical. It never builds or downloads llama.cpp (build: "never").
import {createHash} from "node:crypto";
import {readFileSync, readdirSync, existsSync} from "node:fs";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {performance} from "node:perf_hooks";
import {getLlama, LlamaLogLevel, DraftSequenceTokenPredictor, InputLookupTokenPredictor} from "node-llama-cpp";

function parseArgs(argv) {
    const args = {modes: "plain,draft,lookup", runs: "3", threads: "1", tokens: "48", "draft-max": "16", "draft-min-confidence": "0", "lookup-max": "16", "lookup-min-pattern": "1"};
    for (let i = 0; i < argv.length; i++) {
        if (!argv[i].startsWith("--"))
            throw new Error(`unexpected argument ${argv[i]}`);
        args[argv[i].slice(2)] = argv[i + 1];
        i++;
    }
    for (const required of ["model", "prompt-tokens"])
        if (args[required] == null)
            throw new Error(`--${required} is required`);
    return args;
}

function sha256(path) {
    return createHash("sha256").update(readFileSync(path)).digest("hex");
}

function compareLibraries(nativeDir) {
    const binDir = fileURLToPath(new URL("./node_modules/@node-llama-cpp/linux-x64/bins/linux-x64/", import.meta.url));
    const libraries = readdirSync(binDir).filter(f => f.endsWith(".so")).sort();
    const differences = [];
    for (const file of libraries) {
        const theirs = join(nativeDir, file);
        if (!existsSync(theirs) || sha256(theirs) !== sha256(join(binDir, file)))
            differences.push(file);
    }
    return {nodeBinaryDirectory: binDir, nativeDirectory: nativeDir, libraries: libraries.length, identical: differences.length === 0, differences};
}

function median(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

async function generate(sequence, draftSequence, prompt, count) {
    // The input lookup predictor searches the tokens it is given as input; LlamaCompletion and LlamaChat pass the
    // prompt (or last user message) this way, so the bare sequence must too.
    sequence.tokenPredictor?.updateInputTokens?.(prompt);
    await sequence.clearHistory();
    if (draftSequence != null)
        await draftSequence.clearHistory();

    const before = {...sequence.tokenPredictions};
    const output = [];
    const start = performance.now();
    let firstTokenAt = start;
    for await (const token of sequence.evaluate(prompt, {temperature: 0})) {
        if (output.length === 0)
            firstTokenAt = performance.now();
        output.push(token);
        if (output.length >= count)
            break;
    }
    const end = performance.now();
    const after = sequence.tokenPredictions;
    return {
        tokens: output,
        seconds: (end - start) / 1000,
        generationSeconds: (end - firstTokenAt) / 1000,
        predictions: {
            validated: after.validated - before.validated,
            refuted: after.refuted - before.refuted,
            used: after.used - before.used,
            unused: after.unused - before.unused
        }
    };
}

async function main() {
    const args = parseArgs(process.argv.slice(2));
    const prompt = args["prompt-tokens"].split(",").map(Number);
    const count = Number(args.tokens);
    const runs = Number(args.runs);
    const threads = Number(args.threads);
    const modes = args.modes.split(",");

    const llama = await getLlama({gpu: false, build: "never", usePrebuiltBinaries: true, skipDownload: true, progressLogs: false, logLevel: LlamaLogLevel.error, maxThreads: threads});
    const model = await llama.loadModel({modelPath: args.model, gpuLayers: 0});
    const draftModel = args.draft != null && modes.some(m => m.startsWith("draft")) ? await llama.loadModel({modelPath: args.draft, gpuLayers: 0}) : null;
    const contextOptions = {contextSize: 1024, batchSize: 512, sequences: 1, threads};

    const results = [];
    for (const mode of modes) {
        const context = await model.createContext(contextOptions);
        let draftContext = null;
        let draftSequence = null;
        let predictor;
        if (mode === "draft" || mode === "draft-defaults") {
            if (draftModel == null)
                throw new Error(`mode ${mode} needs --draft`);
            draftContext = await draftModel.createContext(contextOptions);
            draftSequence = draftContext.getSequence();
            predictor = mode === "draft-defaults"
                ? new DraftSequenceTokenPredictor(draftSequence) // minTokens 0, maxTokens 16, minConfidence 0.6
                : new DraftSequenceTokenPredictor(draftSequence, {
                    minTokens: Number(args["draft-min"] ?? 0),
                    maxTokens: Number(args["draft-max"]),
                    minConfidence: Number(args["draft-min-confidence"])
                });
        } else if (mode === "lookup") {
            predictor = new InputLookupTokenPredictor({
                patternLength: {min: Number(args["lookup-min-pattern"])},
                predictionLength: {max: Number(args["lookup-max"])}
            });
        } else if (mode !== "plain") {
            throw new Error(`unknown mode ${mode}`);
        }

        const sequence = context.getSequence({tokenPredictor: predictor});
        await generate(sequence, draftSequence, prompt, Math.min(count, 4)); // warm-up, not measured
        const samples = [];
        for (let r = 0; r < runs; r++)
            samples.push(await generate(sequence, draftSequence, prompt, count));

        const last = samples[samples.length - 1];
        results.push({
            mode,
            runs,
            tokens: last.tokens.length,
            medianSeconds: median(samples.map(s => s.seconds)),
            medianGenerationSeconds: median(samples.map(s => s.generationSeconds)),
            tokensPerSecond: last.tokens.length / median(samples.map(s => s.seconds)),
            predictions: last.predictions,
            acceptance: last.predictions.validated + last.predictions.refuted === 0
                ? 0
                : last.predictions.validated / (last.predictions.validated + last.predictions.refuted),
            output: last.tokens
        });

        sequence.dispose();
        await context.dispose();
        if (draftContext != null)
            await draftContext.dispose();
    }

    const report = {
        nodeLlamaCpp: JSON.parse(readFileSync(new URL("./node_modules/node-llama-cpp/package.json", import.meta.url))).version,
        llamaCppRelease: llama.llamaCppRelease,
        threads,
        promptTokens: prompt.length,
        libraries: args["native-dir"] != null ? compareLibraries(args["native-dir"]) : null,
        results
    };
    process.stdout.write(JSON.stringify(report) + "\n");
    await llama.dispose();
}

main().catch(error => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
});
