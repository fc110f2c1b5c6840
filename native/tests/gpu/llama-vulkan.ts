/**
 * llama.cpp (node-llama-cpp 3.22.1's prebuilt Vulkan build) as a reference on the same device, in a
 * child process of run.ts so that its ggml registry and Vulkan instance never share a process with
 * ours. Reads {model, prompt, maxTokens} as JSON from argv[2]; prints {tokens, margins, device}.
 * Greedy step by step through controlledEvaluate (the top two logits of each step give the margin).
 */
import { getLlama, LlamaLogLevel } from 'node-llama-cpp';

const { model: modelPath, prompt, maxTokens } = JSON.parse(process.argv[2]) as { model: string; prompt: number[]; maxTokens: number };
const llama = await getLlama({ gpu: 'vulkan', build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
const model = await llama.loadModel({ modelPath, gpuLayers: 'max' });
const ctx = await model.createContext({ contextSize: 512, flashAttention: true, sequences: 1 });
const seq = ctx.getSequence();
const top2 = { generateNext: { logits: { filter: { tokens: [], includeTop: 2 } } } };
const pick = (logits: Map<number, number> | undefined) => {
  if (!logits) throw new Error('no logits from controlledEvaluate');
  const [[t1, v1], [t2, v2]] = [...logits.entries()].slice(0, 2);
  return { token: v1 === v2 ? Math.min(t1, t2) : t1, margin: v1 - v2 };
};
let res = await seq.controlledEvaluate(prompt.map((t, i) => (i === prompt.length - 1 ? [t, top2] : t)) as never);
let step = pick(res[prompt.length - 1]?.next.logits as Map<number, number>);
const tokens: number[] = [];
const margins: number[] = [];
while (!model.isEogToken(step.token as never) && tokens.length < maxTokens) {
  tokens.push(step.token);
  margins.push(step.margin);
  res = await seq.controlledEvaluate([[step.token, top2]] as never);
  step = pick(res[0]?.next.logits as Map<number, number>);
}
const device = (await llama.getGpuDeviceNames()).join(', ');
process.stdout.write(JSON.stringify({ tokens, margins, device, gpu: llama.gpu }) + '\n');
await ctx.dispose();
await model.dispose();
await llama.dispose();
