// Parity check: demo.gguf under llama.cpp (node-llama-cpp) vs the PyTorch model + HF tokenizer.
//
//   python eval_pt.py --lengths 300,1000,4000 --n 7 --cases verify_cases.json
//   node verify_llamacpp.mjs [verify_cases.json] [demo.gguf]
//
// Checks (exit code 1 if the tokenizer or the chat template disagree; greedy mismatches
// are reported and counted, exit code 2 if more than 10% of answers differ):
//  1. model.tokenize(text) === HF tokenizer ids for several strings (incl. full prompts)
//  2. tokenizer.chat_template in the GGUF (rendered with @huggingface/jinja) === prompt format
//  3. greedy (temperature 0) answers of llama.cpp === PyTorch greedy answers
import fs from "node:fs";
import path from "node:path";
import {fileURLToPath} from "node:url";
import {getLlama} from "node-llama-cpp";
import {Template} from "@huggingface/jinja";

const here = path.dirname(fileURLToPath(import.meta.url));
const casesPath = process.argv[2] ?? path.join(here, "verify_cases.json");
const modelPath = process.argv[3] ?? path.join(here, "demo.gguf");
const {cases, tokenizer_tests: tokTests, step} = JSON.parse(fs.readFileSync(casesPath, "utf8"));

const eq = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

const llama = await getLlama({gpu: false, build: "never", maxThreads: 2, logLevel: "error"});
const model = await llama.loadModel({modelPath, gpuLayers: 0});
console.log(`loaded ${modelPath}: ${model.fileInfo.metadata.general.architecture}, ` +
    `${model.trainContextSize} ctx, vocab ${model.fileInfo.metadata.tokenizer.ggml.tokens.length}; cases from step ${step}`);

// 1. tokenizer parity
let tokFail = 0;
for (const t of tokTests) {
    const ids = Array.from(model.tokenize(t.text));
    if (!eq(ids, t.ids)) {
        tokFail++;
        const i = ids.findIndex((x, k) => x !== t.ids[k]);
        console.log(`TOKENIZER MISMATCH at ${i}: ${JSON.stringify(t.text.slice(0, 60))}\n  llama.cpp ${ids.slice(Math.max(0, i - 3), i + 5)}\n  hf        ${t.ids.slice(Math.max(0, i - 3), i + 5)}`);
    }
    const back = model.detokenize(ids);
    if (back !== t.text) { tokFail++; console.log(`DETOKENIZE MISMATCH: ${JSON.stringify(back.slice(0, 60))}`); }
}
console.log(`tokenizer: ${tokTests.length - tokFail}/${tokTests.length} strings identical (tokenize + detokenize)`);

// 2. chat template renders the documented prompt format
const tmpl = new Template(model.fileInfo.metadata.tokenizer.chat_template);
let tmplFail = 0;
for (const c of cases.slice(0, 5)) {
    const r = tmpl.render({messages: [{role: "system", content: c.document}, {role: "user", content: c.question}],
        add_generation_prompt: true, bos_token: "", eos_token: "<|endoftext|>"});
    if (r !== c.prompt) { tmplFail++; console.log("CHAT TEMPLATE MISMATCH", JSON.stringify(r.slice(-80)), JSON.stringify(c.prompt.slice(-80))); }
}
console.log(`chat_template: ${5 - tmplFail}/5 renders identical to the prompt format`);

// 3. greedy decoding parity
const maxLen = Math.max(...cases.map((c) => c.prompt_ids.length)) + 64;
const context = await model.createContext({contextSize: Math.max(2048, maxLen), threads: 2, sequences: 1});
const seq = context.getSequence();
let same = 0, llamaEM = 0, ptEM = 0;
const byLen = {};
for (const c of cases) {
    await seq.clearHistory();
    const prompt = model.tokenize(c.prompt);
    const out = [];
    for await (const tok of seq.evaluate(prompt, {temperature: 0})) {
        if (model.isEogToken(tok) || out.length >= 48) break;
        out.push(tok);
    }
    const text = model.detokenize(out);
    const ok = eq(out, c.pt_ids);
    same += ok;
    llamaEM += text === c.expected;
    ptEM += c.pt_text === c.expected;
    const b = (byLen[c.length] ??= {n: 0, same: 0, llamaEM: 0, ptEM: 0});
    b.n++; b.same += ok; b.llamaEM += text === c.expected; b.ptEM += c.pt_text === c.expected;
    if (!ok) console.log(`DIFF len ${c.length} (${prompt.length} tok): llama.cpp ${JSON.stringify(text)} | torch ${JSON.stringify(c.pt_text)}`);
}
for (const [L, b] of Object.entries(byLen))
    console.log(`  len ${L}: identical ${b.same}/${b.n}, exact-match llama.cpp ${b.llamaEM}/${b.n}, torch ${b.ptEM}/${b.n}`);
console.log(`greedy answers identical to PyTorch: ${same}/${cases.length}; exact match vs expected: llama.cpp ${llamaEM}/${cases.length}, torch ${ptEM}/${cases.length}`);
await context.dispose();
await model.dispose();
await llama.dispose();
process.exit(tokFail || tmplFail ? 1 : (same < 0.9 * cases.length ? 2 : 0));
