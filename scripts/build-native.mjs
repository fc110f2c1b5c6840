#!/usr/bin/env node
// Builds the SWAA runtime: clones the llama.cpp source pinned by node-llama-cpp (its
// llama/gitRelease.bundle) into native/deps/ (ignored), then builds ggml, libllama, our core,
// the addon and the native tests with cmake-js. Incremental: a second run only rebuilds changes.
//   --cuda     also build the CUDA backend (into native/build-cuda; 67 CPU-minutes: ~35 min on 2 idle cores)
//   --debug    debug build
//   --portable no -march=native (for builds you ship; source builds only)
//   --from-source  build ggml and libllama from the bundled source (static, backends compiled in) instead
//              of linking node-llama-cpp's prebuilt ggml libraries staged into native/build/backends
//              (the default where node-llama-cpp publishes a package for the platform; native/BACKENDS.md)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { stageBackends } from './stage-backends.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const require = createRequire(import.meta.url);

if (process.env.SWAA_SKIP_NATIVE_BUILD === '1') {
  console.log('[build-native] SWAA_SKIP_NATIVE_BUILD=1: skipped');
  process.exit(0);
}

const depsDir = join(root, 'native', 'deps');
const llamaDir = join(depsDir, 'llama.cpp');
if (!existsSync(join(llamaDir, 'ggml', 'CMakeLists.txt'))) {
  // node-llama-cpp's exports hide its package.json: find the package folder from its entry point.
  let pkgDir = dirname(require.resolve('node-llama-cpp'));
  while (!existsSync(join(pkgDir, 'llama', 'gitRelease.bundle')) && dirname(pkgDir) !== pkgDir) pkgDir = dirname(pkgDir);
  const bundle = join(pkgDir, 'llama', 'gitRelease.bundle');
  if (!existsSync(bundle)) {
    console.error(`[build-native] ${bundle} is missing: install dev dependencies (npm install) first`);
    process.exit(1);
  }
  mkdirSync(depsDir, { recursive: true });
  console.log(`[build-native] cloning pinned llama.cpp from ${bundle}`);
  execFileSync('git', ['-c', 'advice.detachedHead=false', 'clone', '--quiet', bundle, llamaDir], { stdio: 'inherit' });
}

const cuda = args.has('--cuda');
const outDir = join(root, 'native', cuda ? 'build-cuda' : 'build');
const cmakeJs = join(dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js');
// Prebuilt ggml (loadable backends, one ggml-base shared with every backend) unless asked otherwise.
let backendsDir = '';
if (!cuda && !args.has('--from-source')) {
  try {
    backendsDir = stageBackends({ nodeModules: join(root, 'node_modules'), outDir: join(outDir, 'backends') }).dir;
  } catch (e) {
    console.log(`[build-native] no prebuilt ggml (${e.message}): building ggml from source`);
  }
}
const defines = [
  `--CDSWAA_LLAMA_DIR=${llamaDir}`,
  `--CDSWAA_BACKENDS_DIR=${backendsDir}`,
  `--CDSWAA_CUDA=${cuda ? 'ON' : 'OFF'}`,
  `--CDSWAA_NATIVE_CPU=${args.has('--portable') ? 'OFF' : 'ON'}`,
];
// A cache configured by plain cmake lacks cmake-js's variables: configure again (objects are kept).
const cache = join(outDir, 'CMakeCache.txt');
if (existsSync(cache) && !readFileSync(cache, 'utf8').includes('CMAKE_JS_VERSION')) rmSync(cache);
// cmake-js only builds a configured tree: a cache made for the other ggml source (prebuilt vs from
// source) must go, or the defines above would be ignored (objects are kept; CMake relinks).
if (existsSync(cache) && !readFileSync(cache, 'utf8').includes(`SWAA_BACKENDS_DIR:PATH=${backendsDir}\n`)) rmSync(cache);
if (cuda) {
  // The CUDA toolkit on our build machines lacks cuBLAS; point SWAA_CUBLAS_DIR at an unpacked
  // nvidia-cublas wheel (its include/ and lib/). One architecture keeps the build bounded.
  defines.push(`--CDCMAKE_CUDA_ARCHITECTURES=${process.env.SWAA_CUDA_ARCH ?? '90'}`);
  const cublas = process.env.SWAA_CUBLAS_DIR;
  if (cublas) {
    // The wheel's layout per platform: lib/libcublas.so.N on Linux, lib/x64/cublas.lib (import library) on Windows.
    const libDir = process.platform === 'win32' && existsSync(join(cublas, 'lib', 'x64')) ? join(cublas, 'lib', 'x64') : join(cublas, 'lib');
    const lib = (name) => {
      const want = process.platform === 'win32' ? (f) => f === `${name.replace(/^lib/, '')}.lib` : (f) => f.startsWith(`${name}.so`);
      const file = readdirSync(libDir).find(want);
      if (!file) { console.error(`[build-native] ${name} not found in ${libDir}`); process.exit(1); }
      return join(libDir, file);
    };
    defines.push(`--CDCUDA_cublas_LIBRARY=${lib('libcublas')}`,
      `--CDCUDA_cublasLt_LIBRARY=${lib('libcublasLt')}`,
      `--CDCMAKE_CUDA_FLAGS=-I${join(cublas, 'include')}`, `--CDCMAKE_CXX_FLAGS=-I${join(cublas, 'include')}`);
  }
}
const jobs = String(Math.max(1, cpus().length));
const started = Date.now();
// The platform's own generator: Visual Studio (MSVC) on Windows, where cmake-js picks it; Makefiles elsewhere.
const generator = process.platform === 'win32' ? [] : ['--generator', 'Unix Makefiles'];
const result = spawnSync(process.execPath, [cmakeJs, 'build', '--directory', join(root, 'native'), '--out', outDir, ...generator,
  ...(args.has('--debug') ? ['--debug'] : []), ...defines], {
  stdio: 'inherit',
  env: { ...process.env, CMAKE_BUILD_PARALLEL_LEVEL: process.env.CMAKE_BUILD_PARALLEL_LEVEL ?? jobs },
});
if (result.status !== 0) {
  console.error(`[build-native] failed (exit ${result.status})`);
  process.exit(result.status ?? 1);
}
console.log(`[build-native] done in ${((Date.now() - started) / 1000).toFixed(0)} s → ${outDir}`);
