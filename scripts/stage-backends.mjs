// Stages the ggml libraries the runtime links and loads into native/build/backends/ (see
// docs in native/BACKENDS.md for why they are node-llama-cpp's prebuilt ones):
//   libggml-base.so            the one ggml core of the process (the runtime links it dynamically)
//   libggml.<v>.so, libllama.<v>.so   ggml's backend registry and libllama (vocabulary, samplers)
//   libggml-cpu-<isa>.so       CPU variants, the best for this CPU picked at load
//   libggml-vulkan.so, libggml-cuda.so   GPU backends, where node-llama-cpp installed them
//   manifest.tsv               per backend library: its fingerprint and the fingerprint of the
//                              ggml-base it was shipped (built) with; the runtime refuses a library
//                              that is not listed, has changed, or was built with another ggml-base.
// Every package's libggml-base.so must be byte-identical to the one linked: a package whose copy
// differs was built from another ggml and its backend is not staged (said on the console).
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, openSync, readSync, closeSync } from 'node:fs';
import { join } from 'node:path';

const SAMPLE = 1 << 16;

/**
 * A library's fingerprint: FNV-1a 64 over its size (8 bytes, little endian) and three 64 KiB samples
 * (start, middle, end). The runtime computes the same (backend_fingerprint.cc) at every start, so it
 * must be cheap (the CUDA backend is 159 MB); enough to tell two builds apart, not a security check.
 */
export function fingerprint(path) {
  const size = statSync(path).size;
  let h = 1469598103934665603n; // the seed of native/src/fnv1a.h (the runtime computes the same)
  const mix = (buf) => {
    for (const b of buf) {
      h ^= BigInt(b);
      h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
    }
  };
  const sz = Buffer.alloc(8);
  sz.writeBigUInt64LE(BigInt(size));
  mix(sz);
  const fd = openSync(path, 'r');
  try {
    for (const at of [0, Math.max(0, Math.floor(size / 2) - SAMPLE / 2), Math.max(0, size - SAMPLE)]) {
      const buf = Buffer.alloc(Math.min(SAMPLE, size));
      const n = readSync(fd, buf, 0, buf.length, at);
      mix(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.toString(16).padStart(16, '0');
}

const ext = process.platform === 'win32' ? '.dll' : process.platform === 'darwin' ? '.dylib' : '.so';

/** node-llama-cpp's prebuilt package folders for this platform: base (CPU) first, then GPU ones. */
function packages(nodeModules) {
  const plat = process.platform === 'win32' ? 'win' : process.platform === 'darwin' ? 'mac' : 'linux';
  const base = `${plat}-${process.arch}`;
  const out = [];
  for (const [suffix, gpu] of [['', null], ['-metal', 'metal'], ['-vulkan', 'vulkan'], ['-cuda', 'cuda']]) {
    const dir = join(nodeModules, '@node-llama-cpp', base + suffix, 'bins', base + suffix);
    if (existsSync(dir)) out.push({ name: base + suffix, dir, gpu });
  }
  return out;
}

function copyIfChanged(from, to) {
  if (existsSync(to)) {
    const a = statSync(from), b = statSync(to);
    if (a.size === b.size && a.mtimeMs <= b.mtimeMs) return;
  }
  copyFileSync(from, to);
}

/** Returns { dir, release, ggmlBase } or throws with a message saying what is missing. */
export function stageBackends({ nodeModules, outDir, log = console.log }) {
  const pkgs = packages(nodeModules);
  const cpu = pkgs.find((p) => p.gpu === null);
  if (!cpu) throw new Error(`node-llama-cpp's prebuilt package for ${process.platform}-${process.arch} is not installed (npm install)`);
  const base = join(cpu.dir, `libggml-base${ext}`);
  if (!existsSync(base)) throw new Error(`${base} is missing`);
  const meta = JSON.parse(readFileSync(join(cpu.dir, '_nlcBuildMetadata.json'), 'utf8'));
  const release = meta.buildOptions.llamaCpp.release;
  const baseFp = fingerprint(base);
  mkdirSync(outDir, { recursive: true });

  const rows = [];
  copyIfChanged(base, join(outDir, `libggml-base${ext}`));
  // Registry + libllama of the CPU package (they name themselves after the release, e.g. libggml.v0.5.0.so).
  for (const f of readdirSync(cpu.dir)) {
    if ((f.startsWith('libggml.') || f.startsWith('libllama.')) && f.endsWith(ext)) copyIfChanged(join(cpu.dir, f), join(outDir, f));
  }
  for (const p of pkgs) {
    const pkgBase = join(p.dir, `libggml-base${ext}`);
    const pmeta = JSON.parse(readFileSync(join(p.dir, '_nlcBuildMetadata.json'), 'utf8'));
    const prelease = pmeta.buildOptions.llamaCpp.release;
    if (!existsSync(pkgBase) || fingerprint(pkgBase) !== baseFp || prelease !== release) {
      log(`[backends] ${p.name}: built with another ggml (release ${prelease}); not staged`);
      continue;
    }
    const libs = readdirSync(p.dir).filter((f) => f.endsWith(ext) && (p.gpu === null ? f.startsWith('libggml-cpu') : f === `libggml-${p.gpu}${ext}`));
    for (const f of libs) {
      copyIfChanged(join(p.dir, f), join(outDir, f));
      rows.push([f, fingerprint(join(outDir, f)), baseFp, `${p.name}@${release}`]);
    }
    if (p.gpu) log(`[backends] ${p.name}: ${libs.join(', ') || 'no backend library'}`);
  }
  log(`[backends] ${rows.length} backend libraries from node-llama-cpp's prebuilt ${release} (ggml-base ${baseFp}) → ${outDir}`);
  const header = [
    '# Written by scripts/stage-backends.mjs. Columns: library, its fingerprint, the fingerprint of the',
    '# libggml-base it was built with, its source. The runtime loads only the libraries listed here.',
    `ggml-base\t${baseFp}\t${release}`,
  ];
  writeFileSync(join(outDir, 'manifest.tsv'), [...header, ...rows.map((r) => r.join('\t'))].join('\n') + '\n');
  return { dir: outDir, release, ggmlBase: baseFp };
}
