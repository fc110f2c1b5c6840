/**
 * `npm run ask -- --doc FILE --question "…" [--preset NAME] [--model FILE] [--compare a,b,c] [--cold] [--temperature T --seed N …]`
 * Terminal question answering on the engine host (in-process): streams the answer with a prefill
 * progress bar (tokens/s, ETA) and prints every metric; --compare runs several presets side by side.
 * Ctrl-C cancels the run (a second Ctrl-C quits).
 */
import { parseArgs } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AnyEvent, RunRecord } from '../shared/contract.js';
import { toIpcError } from '../shared/contract.js';
import { startHost } from '../host/start-host.js';
import { defaultDataDir } from '../host/paths.js';
import { contextReport, measuredRuns, metricsTable, overflowAdvice, progressLine, recipeText, stopLine } from './format.js';
import { samplingArgOptions, samplingFromArgs, samplingText } from './sampling-args.js';

const USAGE = `usage: npm run ask -- --doc FILE --question "…" [options]
  --doc FILE           document to read (PDF, DOCX, Markdown, text, HTML)
  --question TEXT      the question
  --preset NAME        recipe preset (see --list-presets); default: settings' default
  --compare a,b,c      run several presets on the same question and compare them
  --model FILE         a GGUF model (default: models/demo/demo.gguf)
  --engine URL         run on a remote OpenAI-compatible server instead (llama-server, vLLM);
                       its API key comes from SWAA_REMOTE_API_KEY; default preset there: full
  --engine-model NAME  the server's model (default: its first); see docs/remote.md
  --engine-kind KIND   auto (default), llama-server, vllm, vllm-swaa, openai
  --max-tokens N       answer length cap
  --context N          context size in tokens
  --threads N          CPU threads
  --temperature T      0 = greedy (default: the model's; greedy for the demo model)
  --top-p P            nucleus sampling, 0 < P <= 1 (1 = off)
  --top-k K            keep the K most likely tokens (0 = off)
  --min-p P            drop tokens below P x the most likely one (0 = off)
  --repeat-penalty R   above 1 discourages repeating recent tokens (1 = off)
  --repeat-last-n N    how many recent tokens the repeat penalty looks at
  --seed N|random      the draw's seed; the same seed repeats an answer
  --cold               drop the document's cached state (memory and disk) first, so every run reads
                       the whole document; without it a cached run is labelled "cached" in the table
  --device NAME        auto (default), cpu, gpu, or a device from --list-devices (e.g. Vulkan0)
  --list-devices       print the devices the runtime's backends offer (and refused backends) and exit
  --fresh              use a throw-away library (no saved KV caches)
  --list-presets       print the presets and exit`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      doc: { type: 'string' }, question: { type: 'string' }, preset: { type: 'string' }, compare: { type: 'string' },
      model: { type: 'string' }, engine: { type: 'string' }, 'engine-model': { type: 'string' }, 'engine-kind': { type: 'string' },
      'max-tokens': { type: 'string' }, context: { type: 'string' }, threads: { type: 'string' },
      fresh: { type: 'boolean' }, cold: { type: 'boolean' }, 'list-presets': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
      ...samplingArgOptions,
      device: { type: 'string' }, 'list-devices': { type: 'boolean' },
    },
  });
  if (values.help) { console.log(USAGE); return 0; }
  // The host's runtime reads it when it loads a model (electron/host/engine/runtime.ts).
  if (values.device) process.env.SWAA_DEVICE = values.device;
  if (values['list-devices']) {
    const api = await import('../../native/addon/index.js');
    const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    for (const d of api.devices()) console.log(`${d.name.padEnd(10)} ${d.type.padEnd(5)} ${mib(d.memoryFree)} free of ${mib(d.memoryTotal)}  ${d.description}`);
    const libs = api.backendLibraries();
    for (const l of libs.libraries.filter((x) => !x.loaded && !x.message.includes('better CPU variant') && !x.message.includes('not supported by this CPU'))) {
      console.log(`(${l.file}: ${l.message})`);
    }
    if (libs.error) console.log(`(backends: ${libs.error})`);
    return 0;
  }

  const tmp = values.fresh ? mkdtempSync(join(tmpdir(), 'swaa-ask-')) : null;
  const err = process.stderr;
  const tty = err.isTTY === true;
  let lastProgressPrint = 0;
  let progressShown = false;
  const clearProgress = () => { if (tty && progressShown) { err.write('\r\x1b[2K'); progressShown = false; } };
  const runs = new Map<string, { resolve: (r: RunRecord) => void; reject: (e: Error) => void }>();
  let streamingRun: string | null = null;
  // A run can end before runs.ask has returned its id (e.g. a prompt refused at once): keep its end.
  const ended = new Map<string, { run: RunRecord } | { error: Error }>();
  const settle = (runId: string, end: { run: RunRecord } | { error: Error }) => {
    const waiter = runs.get(runId);
    if (!waiter) { ended.set(runId, end); return; }
    if ('run' in end) waiter.resolve(end.run); else waiter.reject(end.error);
  };

  const onEvent = (e: AnyEvent): void => {
    switch (e.event) {
      case 'run.progress': {
        const line = progressLine(e.payload);
        const final = e.payload.done >= e.payload.total;
        if (tty) { err.write(`\r\x1b[2K${line}`); progressShown = true; if (final && e.payload.phase !== 'load') { err.write('\n'); progressShown = false; } }
        else if (final || performance.now() - lastProgressPrint > 2000) { err.write(`${line}\n`); lastProgressPrint = performance.now(); }
        break;
      }
      case 'run.token':
        clearProgress();
        if (streamingRun === e.payload.runId) process.stdout.write(e.payload.text);
        break;
      case 'run.done': settle(e.payload.runId, { run: e.payload.run }); break;
      case 'run.error': settle(e.payload.runId, { error: Object.assign(new Error(e.payload.error.message), e.payload.error) }); break;
      default: break;
    }
  };

  const host = await startHost({
    dataDir: tmp ?? defaultDataDir(), mode: 'cli',
    runtime: process.env.SWAA_RUNTIME === 'scripted' ? 'scripted' : 'native',
  }, (event, payload) => onEvent({ event, payload } as AnyEvent));

  let activeRun: string | null = null;
  let interrupts = 0;
  process.on('SIGINT', () => {
    interrupts++;
    if (interrupts > 1 || !activeRun) process.exit(130);
    err.write('\ncancelling… (Ctrl-C again to quit)\n');
    void host.call('runs.cancel', { runId: activeRun });
  });

  try {
    if (values['list-presets']) {
      const { presets, resolved } = await host.call('presets.list', {});
      for (const p of presets) {
        const r = resolved?.recipes[p.id];
        console.log(`${p.id.padEnd(10)} ${p.label} — ${p.tradeoff}\n${' '.repeat(11)}${r ? `${recipeText(r)} (for ${resolved?.modelId})` : `${recipeText(p.recipe)} (demo: ${recipeText(p.demoRecipe)})`}`);
      }
      return 0;
    }
    if (!values.doc || !values.question) { err.write(`${USAGE}\n`); return 2; }
    const info = await host.call('app.info', {});
    if (info.runtimeProblem && !values.engine) throw Object.assign(new Error(info.runtimeProblem), { code: 'RUNTIME_UNAVAILABLE' });
    const patch: Record<string, number> = {};
    if (values.context) patch.contextSize = Number(values.context);
    if (values.threads) patch.threads = Number(values.threads);
    if (Object.keys(patch).length) await host.call('settings.set', patch);

    const doc = await host.call('documents.add', { path: values.doc });
    let modelId: string | undefined;
    if (values.model) modelId = (await host.call('models.add', { path: values.model })).id;
    let presetId = values.preset;
    if (values.engine) {
      const engine = await host.call('engines.addRemote', { baseUrl: values.engine, model: values['engine-model'],
        kind: values['engine-kind'] as 'auto' | undefined });
      modelId = engine.id;
      err.write(`engine:   ${engine.kind} at ${engine.baseUrl}, model ${engine.model}${engine.hasKey ? ' (with a key)' : ''}\n`);
      // A server that cannot run SWAA refuses SWAA presets; without --preset the run uses full attention.
      if (!values.compare) presetId ??= 'full';
      for (const [id, why] of Object.entries(engine.presetSupport)) if (why && (id === presetId || values.compare?.split(',').includes(id))) err.write(`preset ${id}: ${why}\n`);
    }
    const models = await host.call('models.list', {});
    const model = models.find((m) => m.id === (modelId ?? models.find((x) => x.selected)?.id));
    err.write(`document: ${doc.name} (${doc.format}${doc.pages ? `, ${doc.pages} pages` : ''}, ${doc.chars.toLocaleString('en')} chars)\n`);
    err.write(`model:    ${model?.name ?? '?'}${model?.problem ? ` — ${model.problem}` : ''}\n`);
    for (const w of doc.warnings) err.write(`warning:  ${w}\n`);
    // The document's tokens for this model, before anything runs: a document that cannot fit stops here.
    // A remote server's tokens are its own: the count and the fit check are the local runtime's.
    if (model && !values.engine) {
      const counted = await host.call('documents.tokens', { id: doc.id, modelId: model.id });
      const { contextSize } = await host.call('settings.get', {});
      const trained = (await host.call('models.list', {})).find((m) => m.id === model.id)?.nCtxTrain ?? null;
      const report = contextReport({ tokens: counted.tokens, answerRoom: counted.answerRoom, contextSize, trainedContext: trained });
      for (const line of report.lines) err.write(`${line}\n`);
      if (!report.fits) return 1;
    }
    const maxTokens = values['max-tokens'] ? Number(values['max-tokens']) : undefined;
    const sampling = samplingFromArgs(values);
    const cold = values.cold === true ? true : undefined;
    const printStop = (run: RunRecord) => { const line = stopLine(run); if (line) err.write(`${line}\n`); };

    const waitRun = (runId: string) => new Promise<RunRecord>((resolve, reject) => {
      runs.set(runId, { resolve, reject });
      const end = ended.get(runId);
      if (end) settle(runId, end);
    });
    if (values.compare) {
      const presetIds = values.compare.split(',').map((s) => s.trim()).filter(Boolean);
      const started = await host.call('runs.compare', { documentId: doc.id, modelId, question: values.question, presetIds, maxTokens, sampling, cold });
      const waits = started.runs.map((r) => ({ ...r, done: waitRun(r.runId) }));
      const results: RunRecord[] = [];
      for (const r of waits) {
        err.write(`\n== ${r.presetId} ==\n`);
        streamingRun = r.runId;
        activeRun = r.runId;
        const run = await r.done.catch((e: Error) => { clearProgress(); err.write(`error: ${errorText(e)}\n`); return null; });
        clearProgress();
        process.stdout.write('\n');
        if (run?.sampling) err.write(`sampling: ${samplingText(run.sampling)}\n`);
        if (run) { printStop(run); results.push(run); }
      }
      activeRun = null;
      // No table of dashes when nothing ran to the end.
      const measured = measuredRuns(results);
      if (measured.length > 0) console.log(`\n${metricsTable(measured)}`);
      return results.length === waits.length ? 0 : 1;
    }
    const { runId } = await host.call('runs.ask', { documentId: doc.id, modelId, question: values.question, presetId, maxTokens, sampling, cold });
    streamingRun = runId;
    activeRun = runId;
    const run = await waitRun(runId);
    activeRun = null;
    clearProgress();
    process.stdout.write('\n');
    printStop(run);
    process.stdout.write('\n');
    // The sampling the run used, seed included: enough to repeat it with the same flags.
    if (run.sampling) err.write(`sampling: ${samplingText(run.sampling)}\n`);
    if (measuredRuns([run]).length > 0) console.log(metricsTable([run]));
    return run.status === 'done' ? 0 : 1;
  } catch (e) {
    clearProgress();
    const ie = toIpcError(e);
    err.write(`\nerror [${ie.code}]: ${errorText(e)}\n`);
    return 1;
  } finally {
    host.dispose();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

/** An error's message, with what to do on the command line when the host said the prompt did not fit. */
function errorText(e: unknown): string {
  const ie = toIpcError(e);
  return ie.overflow ? `${ie.message}\n       ${overflowAdvice(ie.overflow)}` : ie.message;
}

main().then((code) => process.exit(code), (e: unknown) => { console.error(e); process.exit(1); });
