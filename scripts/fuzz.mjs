#!/usr/bin/env node
// Builds and runs the libFuzzer harnesses of native/fuzz with clang (ASan + UBSan + coverage), in
// native/build-asan (the build `npm run test:asan` shares).
//   npm run fuzz -- --target model|state|lora|all [--runs N] [--seconds S]
// The working corpus lives in native/fuzz/corpus/<target>/ (ignored), seeded by the harness itself
// (tiny models, real saved states, adapters; the model target also gets models/demo/demo.gguf).
// Every crashing input is copied into native/fuzz/regressions/<target>/, which the native tests replay.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { configureSanitized, buildSanitized, root } from './sanitized-build.mjs';

const TARGETS = ['model', 'state', 'lora'];
const argv = process.argv.slice(2);
const arg = (name, fallback) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
};
const target = arg('target', 'all');
const runs = Number(arg('runs', '100000'));
const seconds = Number(arg('seconds', '0'));
const targets = target === 'all' ? TARGETS : [target];
if (!targets.every((t) => TARGETS.includes(t)) || !Number.isFinite(runs) || !Number.isFinite(seconds)) {
  console.error(`usage: npm run fuzz -- --target ${TARGETS.join('|')}|all [--runs N] [--seconds S]`);
  process.exit(2);
}

configureSanitized();
buildSanitized(targets.map((t) => `fuzz_${t}`));

let crashes = 0;
for (const t of targets) {
  const binary = join(root, 'native', 'build-asan', 'fuzz', `fuzz_${t}`);
  const corpus = join(root, 'native', 'fuzz', 'corpus', t);
  const artifacts = join(root, 'native', 'fuzz', 'corpus', `${t}-crashes`);
  const regressions = join(root, 'native', 'fuzz', 'regressions', t);
  for (const d of [corpus, artifacts, regressions]) mkdirSync(d, { recursive: true });
  if (readdirSync(corpus).length === 0) {
    const seeded = spawnSync(binary, [], { stdio: 'inherit', env: { ...process.env, SWAA_FUZZ_WRITE_SEEDS: corpus } });
    if (seeded.status !== 0) process.exit(seeded.status ?? 1);
    const demo = join(root, 'models', 'demo', 'demo.gguf');
    if (t === 'model' && existsSync(demo)) copyFileSync(demo, join(corpus, 'demo.gguf'));
  }
  const before = new Set(readdirSync(artifacts));
  const started = Date.now();
  const args = [corpus, `-runs=${runs}`, `-artifact_prefix=${artifacts}/`, '-print_final_stats=1', '-timeout=20',
    '-rss_limit_mb=3072', '-malloc_limit_mb=2048', ...(seconds > 0 ? [`-max_total_time=${seconds}`] : [])];
  console.log(`[fuzz] ${t}: ${basename(binary)} ${args.join(' ')}`);
  const r = spawnSync(binary, args, { stdio: ['ignore', 'inherit', 'pipe'], encoding: 'utf8', maxBuffer: 1 << 30,
    env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1' } });
  const log = r.stderr ?? '';
  process.stderr.write(log.split('\n').filter((l) => !/^#\d+\s+(NEW|REDUCE|pulse)/.test(l)).slice(-60).join('\n') + '\n');
  const stat = (name) => (log.match(new RegExp(`stat::${name}:\\s+(\\d+)`)) ?? [])[1];
  const last = [...log.matchAll(/cov: (\d+) ft: (\d+)/g)].pop();
  const found = readdirSync(artifacts).filter((f) => !before.has(f));
  for (const f of found) copyFileSync(join(artifacts, f), join(regressions, f));
  crashes += found.length + (r.status !== 0 && found.length === 0 ? 1 : 0);
  console.log(`[fuzz] ${t}: ${stat('number_of_executed_units') ?? '?'} executions in ${((Date.now() - started) / 1000).toFixed(0)} s, ` +
    `cov ${last?.[1] ?? '?'} ft ${last?.[2] ?? '?'}, corpus ${readdirSync(corpus).length} files, peak RSS ${stat('peak_rss_mb') ?? '?'} MB, ` +
    `exit ${r.status}, new crashes ${found.length}${found.length ? ' → ' + regressions : ''}`);
}
process.exit(crashes ? 1 : 0);
