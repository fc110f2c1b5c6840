#!/usr/bin/env node
// `node scripts/package/merge-update-feeds.mjs <artifacts> <release>` (release workflow): copies every
// installer file of every runner into one folder. Each macOS runner (arm64, x64) writes its own
// latest-mac.yml; electron-updater reads one feed per OS and picks the file for its architecture from
// that feed's `files`, so the feeds are merged (files of both; version, path and sha512 of the first).
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';

const [from, to] = process.argv.slice(2);
if (!from || !to) { console.error('usage: merge-update-feeds.mjs <artifacts-dir> <release-dir>'); process.exit(2); }
const require = createRequire(import.meta.url);
// electron-builder's js-yaml in a checkout; the release job installs js-yaml alone (NODE_PATH).
const yaml = (() => { try { return createRequire(require.resolve('app-builder-lib'))('js-yaml'); } catch { return require('js-yaml'); } })();

const files = [];
const walk = (d) => { for (const e of readdirSync(d)) { const p = join(d, e); if (statSync(p).isDirectory()) walk(p); else files.push(p); } };
walk(from);
mkdirSync(to, { recursive: true });
const feeds = new Map();
for (const f of files) {
  const name = basename(f);
  if (/^latest.*\.yml$/.test(name)) { feeds.set(name, [...(feeds.get(name) ?? []), yaml.load(readFileSync(f, 'utf8'))]); continue; }
  copyFileSync(f, join(to, name));
}
for (const [name, list] of feeds) {
  const versions = new Set(list.map((x) => x.version));
  if (versions.size !== 1) { console.error(`${name}: runners built different versions (${[...versions].join(', ')})`); process.exit(1); }
  const merged = { ...list[0], files: list.flatMap((x) => x.files ?? []) };
  writeFileSync(join(to, name), yaml.dump(merged, { lineWidth: 200 }));
  console.log(`${name}: ${merged.files.length} file(s) from ${list.length} runner(s)`);
}
