#!/usr/bin/env node
// Builds llama.cpp's llama-server from the bundled source (native/deps/llama.cpp, the tree our runtime's
// ggml comes from) into native/build-server, CPU only, for `npm run test:remote`. Nothing is downloaded:
// the web UI is left out (LLAMA_BUILD_UI/LLAMA_USE_PREBUILT_UI off) and HTTPS is not needed on 127.0.0.1.
// It takes 10+ minutes on two cores, which is why test:remote is not part of `npm test`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'native', 'deps', 'llama.cpp');
const build = join(root, 'native', 'build-server');
if (!existsSync(join(src, 'tools', 'server'))) {
  console.error(`no llama.cpp server source at ${src}: run npm install (it unpacks the bundled llama.cpp) first`);
  process.exit(1);
}
const jobs = process.env.JOBS ?? '2';
const run = (args) => {
  const r = spawnSync('cmake', args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run(['-S', src, '-B', build, ...(spawnSync('ninja', ['--version']).status === 0 ? ['-G', 'Ninja'] : []),
  '-DCMAKE_BUILD_TYPE=Release', '-DGGML_NATIVE=ON', '-DBUILD_SHARED_LIBS=OFF',
  '-DLLAMA_BUILD_SERVER=ON', '-DLLAMA_BUILD_TOOLS=ON', '-DLLAMA_BUILD_TESTS=OFF', '-DLLAMA_BUILD_EXAMPLES=OFF', '-DLLAMA_BUILD_APP=OFF',
  '-DLLAMA_BUILD_UI=OFF', '-DLLAMA_USE_PREBUILT_UI=OFF', '-DLLAMA_OPENSSL=OFF',
  '-DGGML_CUDA=OFF', '-DGGML_METAL=OFF', '-DGGML_VULKAN=OFF']);
run(['--build', build, '--target', 'llama-server', '-j', jobs]);
console.log(`built ${join(build, 'bin', 'llama-server')}`);
