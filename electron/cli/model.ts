/**
 * `npm run model -- <command>`: the model catalog from the terminal, on the engine host (in-process).
 *   list                    the catalog: size, how it is verified, whether it fits this machine, downloaded or not;
 *                           then unfinished downloads
 *   pull <catalog id | URL> download (resuming a partial file), verify its sha256, register it as a model
 *   rm <catalog id | file | model id>   delete a downloaded model (file and library entry) or an unfinished download
 * HF_ENDPOINT changes the server (a mirror); HF_TOKEN is the access token for gated repositories (never printed).
 * Ctrl-C during a pull stops it and keeps the partial file: pull again to resume.
 */
import { existsSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { AnyEvent, DownloadStatus } from '../shared/contract.js';
import { toIpcError } from '../shared/contract.js';
import { startHost } from '../host/start-host.js';
import { defaultDataDir } from '../host/paths.js';

const USAGE = `usage: npm run model -- list
       npm run model -- pull <catalog id | https://…/file.gguf>
       npm run model -- rm <catalog id | file name | model id>`;

const mb = (b: number | null) => (b === null ? '   ?    ' : b >= 2 ** 30 ? `${(b / 2 ** 30).toFixed(2)} GiB` : `${(b / 2 ** 20).toFixed(0)} MiB`);

export function progressText(s: DownloadStatus): string {
  const pct = s.totalBytes ? ` ${((100 * s.doneBytes) / s.totalBytes).toFixed(1)}%` : '';
  const speed = s.bytesPerSecond > 0 ? ` · ${mb(s.bytesPerSecond)}/s` : '';
  const eta = s.etaSeconds !== null && s.state === 'downloading' && s.bytesPerSecond > 0
    ? ` · ${s.etaSeconds >= 60 ? `${Math.floor(s.etaSeconds / 60)} min ${Math.round(s.etaSeconds % 60)} s` : `${Math.round(s.etaSeconds)} s`} left` : '';
  return `${s.state} ${s.file}: ${mb(s.doneBytes)} of ${mb(s.totalBytes)}${pct}${speed}${eta}`;
}

async function main(argv: string[]): Promise<number> {
  const [cmd, arg] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || (cmd !== 'list' && !arg)) { console.log(USAGE); return cmd ? 2 : 0; }
  const err = process.stderr;
  let last = 0;
  const onEvent = (e: AnyEvent) => {
    if (e.event !== 'download.progress') return;
    const now = performance.now();
    if (err.isTTY) err.write(`\r\x1b[2K${progressText(e.payload)}`);
    else if (now - last > 2000 || e.payload.state !== 'downloading') { err.write(`${progressText(e.payload)}\n`); last = now; }
  };
  const host = await startHost({ dataDir: defaultDataDir(), mode: 'cli' }, (event, payload) => onEvent({ event, payload } as AnyEvent));
  try {
    if (cmd === 'list') {
      const { models, endpoint } = await host.call('catalog.list', {});
      console.log(`catalog (${endpoint}):`);
      for (const m of models) {
        const fit = await host.call('models.fit', { catalogId: m.id });
        console.log(`  ${m.id.padEnd(32)} ${mb(m.bytes).padStart(9)}  ${m.verification === 'pinned' ? 'sha256 pinned   ' : 'server sha256   '}` +
          `${fit.verdict.padEnd(9)} max ctx ${String(fit.maxContextNow).padStart(6)}  ${m.modelId ? 'downloaded' : ''}`);
        console.log(`  ${''.padEnd(32)} ${m.why}`);
      }
      const partial = (await host.call('downloads.list', {})).filter((d) => d.state === 'paused');
      if (partial.length) {
        console.log('unfinished downloads (pull again to resume, rm to delete):');
        for (const d of partial) console.log(`  ${d.catalogId ?? d.url}  ${mb(d.doneBytes)} of ${mb(d.totalBytes)}`);
      }
      return 0;
    }
    if (cmd === 'pull') {
      const req = /^https?:\/\//.test(arg!) ? { url: arg! } : { catalogId: arg! };
      const started = await host.call('downloads.start', req);
      process.once('SIGINT', () => { err.write('\nstopping; the partial file is kept: pull again to resume\n'); host.dispose(); process.exit(130); });
      const end = await host.catalog.downloads.wait(started.id);
      if (err.isTTY) err.write('\n');
      if (end.state !== 'done') {
        console.error(`${end.error?.code ?? end.state}: ${end.error?.message ?? end.state}`);
        return 1;
      }
      console.log(`ready: ${end.file} (sha256 ${end.verification === 'pinned' ? 'matches the catalog' : end.verification === 'server' ? 'matches the server' : 'not published: unchecked'}), model id ${end.modelId}`);
      return 0;
    }
    if (cmd === 'rm') {
      const dir = host.catalog.downloads.modelsDir;
      const { models } = await host.call('catalog.list', {});
      const entry = models.find((m) => m.id === arg);
      const partial = (await host.call('downloads.list', {})).find((d) => d.catalogId === arg || d.id === arg || d.file === arg);
      if (partial && partial.state !== 'done') host.call('downloads.cancel', { id: partial.id });
      const stored = (await host.call('models.list', {})).find((m) => !m.isDemo &&
        (m.id === arg || basename(m.path) === arg || (entry !== undefined && m.path === join(dir, entry.file))));
      if (stored) {
        await host.call('models.remove', { id: stored.id });
        // Only files in the app's own models folder are deleted; a model added from elsewhere stays on disk.
        if (stored.path.startsWith(dir) && existsSync(stored.path)) rmSync(stored.path);
        console.log(`removed ${stored.name} (${stored.path})`);
        return 0;
      }
      if (partial) { console.log(`removed the unfinished download of ${partial.file}`); return 0; }
      console.error(`nothing called "${arg}" is downloaded`);
      return 1;
    }
    console.log(USAGE);
    return 2;
  } catch (e) {
    const x = toIpcError(e);
    console.error(`${x.code}: ${x.message}`);
    return 1;
  } finally {
    host.dispose();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code));
