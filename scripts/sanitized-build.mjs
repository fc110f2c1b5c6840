// The clang ASan + UBSan build in native/build-asan (CMake option SWAA_SANITIZE): the fuzz
// harnesses (scripts/fuzz.mjs) and the sanitized native tests (scripts/test-asan.mjs) share it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const buildDir = join(root, 'native', 'build-asan');

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.error) {
    console.error(`[sanitized] ${cmd}: ${r.error.message}${cmd.startsWith('clang') || cmd === 'cmake' ? ' (install clang: apt-get install -y clang)' : ''}`);
    process.exit(1);
  }
  if (r.status !== 0) process.exit(r.status ?? 1);
}

export function configureSanitized() {
  const llama = join(root, 'native', 'deps', 'llama.cpp');
  if (!existsSync(join(llama, 'ggml', 'CMakeLists.txt'))) {
    console.error('[sanitized] native/deps/llama.cpp is missing: run `npm run build:native` first (it clones the pinned source)');
    process.exit(1);
  }
  if (spawnSync('clang++', ['--version']).status !== 0) {
    console.error('[sanitized] clang++ not found: apt-get install -y clang (libFuzzer needs clang >= 6)');
    process.exit(1);
  }
  if (existsSync(join(buildDir, 'CMakeCache.txt'))) return;
  run('cmake', ['-S', join(root, 'native'), '-B', buildDir, '-DSWAA_SANITIZE=ON', '-DSWAA_BUILD_TESTS=ON',
    `-DSWAA_LLAMA_DIR=${llama}`, '-DCMAKE_BUILD_TYPE=RelWithDebInfo'], { ...process.env, CC: 'clang', CXX: 'clang++' });
}

export function buildSanitized(targets) {
  run('cmake', ['--build', buildDir, '--target', ...targets, '-j', String(Math.max(1, cpus().length))]);
}
