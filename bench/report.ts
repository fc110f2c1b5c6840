/** The markdown report of a benchmark run (one table per model, then the goal checks). */
import type { BenchResults, Row } from './summary.js';
import type { Spread } from './stats.js';

const MiB = 2 ** 20;

function num(x: number | null | undefined, digits = 0): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '–';
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Median with the min–max spread when there is more than one repeat. */
function med(s: Spread, digits = 0, scale = 1): string {
  if (!s.n) return '–';
  const m = num(s.median * scale, digits);
  return s.n > 1 ? `${m} <sub>${num(s.min * scale, digits)}–${num(s.max * scale, digits)}</sub>` : m;
}

const x = (v: number | null, digits = 2) => (v === null || !Number.isFinite(v) ? '–' : `${v.toFixed(digits)}×`);
const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(0)}%`);

function recipeText(r: Row): string {
  if (r.engine === 'llama.cpp') return `FA ${r.engineInfo.flashAttention ?? '?'}`;
  const rc = r.recipe;
  if (!rc || rc.window === null) return 'full';
  const fa = rc.faLayers.kind === 'none' ? '' : rc.faLayers.kind === 'everyN' ? ` FA 1/${rc.faLayers.n}` : ` FA ${rc.faLayers.kind}`;
  return `W${rc.window} k${rc.sinks}${fa}${rc.faDecode ? ' FAdec' : ''}`;
}

function kv(r: Row): string {
  if (r.kvBytes !== null) return num(r.kvBytes / MiB, 0);
  return `${num(r.kvBytesComputed / MiB, 0)}*`;
}

export function renderMarkdown(res: BenchResults): string {
  const s = res.settings as Record<string, unknown>;
  const out: string[] = [];
  out.push(`# SWAA Desk benchmark — ${res.date.slice(0, 16).replace('T', ' ')} UTC`);
  out.push('');
  out.push(`- Machine: ${res.machine.description}; Node ${res.node}`);
  out.push(`- Settings: ${s.threads} threads on both engines, chunk/batch ${s.chunk}, F16 KV cache on both, ${s.decodeTokens} decode tokens, ${s.repeats} repeat(s) per configuration (median, <sub>min–max</sub>), each repeat of each configuration in a fresh process, repeats interleaved across configurations; llama.cpp = node-llama-cpp 3.22.1, CPU, flash attention ${s.llamaFlashAttention ? 'on' : 'off'}${s.quick ? '; **--quick** subset' : ''}`);
  out.push(`- Load average (1/5/15 min) at start ${res.load.start.map((v) => v.toFixed(1)).join(' / ')}, at end ${res.load.end.map((v) => v.toFixed(1)).join(' / ')} on ${res.machine.cores} cores${res.load.start[0] > res.machine.cores * 0.75 || res.load.end[0] > res.machine.cores * 0.75 ? ' — **the machine was shared while this ran: absolute numbers are low and noisy; ratios between rows measured minutes apart are noisy too**' : ''}`);
  if (s.complete === false) out.push('- **Partial results: the run was interrupted or is still running.**');
  if (res.note) out.push(`- Note: ${res.note}`);
  out.push('');
  const crashes: string[] = [];
  for (const m of res.models) {
    out.push(`## ${m.id}`);
    out.push('');
    out.push(`${m.description}. ${m.info.nLayer} layers, hidden ${m.info.nEmbd}, ${m.info.nHead}/${m.info.nHeadKv} heads × ${m.info.headDim}, FFN ${m.info.nFf}, vocab ${m.info.nVocab.toLocaleString('en-US')}, ${m.info.weightType}.`);
    out.push('');
    out.push('| ctx | config | recipe | prefill tok/s | TTFT s | decode tok/s | re-ask TTFT ms (× cold) | KV MiB | peak RSS MiB | prefill × llama | decode × llama | prefill × full | FLOP limit | of limit | load |');
    out.push('|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const r of res.rows.filter((row) => row.model === m.id)) {
      const expected = Number(s.repeats ?? r.repeats);
      const errorText = r.error ? r.error.split('\n')[0].slice(0, 160).replace(/\|/g, '/') : '';
      if (r.error && r.prefillTokPerS.n === 0) {
        out.push(`| ${r.context / 1024}k | ${r.config} | ${recipeText(r)} | crashed: ${errorText} | | | | | | | | | | | |`);
        continue;
      }
      if (r.error) crashes.push(`${m.id} ${r.context / 1024}k ${r.config}: ${expected - r.repeats} of ${expected} repeats crashed — ${errorText}`);
      const cfg = r.error ? `${r.config} ⚠ ${expected - r.repeats}/${expected} crashed` : r.config;
      out.push(`| ${r.context / 1024}k | ${cfg} | ${recipeText(r)} | ${med(r.prefillTokPerS)} | ${med(r.ttftMs, 2, 1e-3)} | ${med(r.decodeTokPerS, 1)} | ${med(r.reaskTtftMs)} (${pct(r.reaskVsCold)}) | ${kv(r)} | ${num(r.peakRssBytes / MiB)} | ${x(r.prefillVsLlama)} | ${x(r.decodeVsLlama)} | ${x(r.prefillVsFull)} | ${x(r.flopLimit)} | ${pct(r.ofLimit)} | ${num(r.load1, 1)} |`);
    }
    out.push('');
  }
  out.push('KV MiB: ours = bytes the context allocated (metrics.kvBytes); * = llama.cpp, computed as 2 × layers × context × KV heads × head size × 2 bytes (F16; its state size after the run is in the JSON as stateBytes). FLOP limit = (matmul + attention FLOPs of our full attention) / (matmul + attention FLOPs of the preset), from the attention rows our runtime reports; "of limit" = measured prefill speed-up over our full attention / limit; load = highest 1-minute load average seen when a repeat of the configuration finished. See bench/README.md.');
  out.push('');
  if (crashes.length) {
    out.push('Crashes (the other repeats are in the table):');
    out.push('');
    for (const c of crashes) out.push(`- ${c}`);
    out.push('');
  }
  out.push('## Goals');
  out.push('');
  const byGoal = new Map<string, typeof res.goals>();
  for (const g of res.goals) byGoal.set(g.goal, [...(byGoal.get(g.goal) ?? []), g]);
  if (!res.goals.some((g) => g.goal.startsWith('fastest'))) {
    byGoal.set('fastest ≥ 3× llama.cpp prefill at 32k', []);
  }
  out.push('| goal | met | rows |');
  out.push('|---|---:|---|');
  for (const [goal, gs] of byGoal) {
    const known = gs.filter((g) => g.pass !== null);
    const passed = known.filter((g) => g.pass).length;
    const detail = gs.length === 0 ? 'not measured in this run (needs --max 32k)'
      : gs.map((g) => `${g.row}: ${g.value === null ? '–' : g.goal.includes('%') ? pct(g.value) : x(g.value)}${g.pass ? '' : g.pass === false ? ' ✗' : ''}`).join('; ');
    out.push(`| ${goal} | ${passed}/${known.length} | ${detail} |`);
  }
  out.push('');
  return `${out.join('\n')}\n`;
}
