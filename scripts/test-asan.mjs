#!/usr/bin/env node
// `npm run test:asan`: the native tests built with AddressSanitizer (all code) and UBSan (the
// runtime's own code) by clang, in native/build-asan; any report fails the run.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { buildDir, buildSanitized, configureSanitized } from './sanitized-build.mjs';

configureSanitized();
buildSanitized(['swaa_tests']);
const r = spawnSync(join(buildDir, 'swaa_tests'), process.argv.slice(2), {
  stdio: 'inherit',
  env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=1', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' },
});
process.exit(r.status ?? 1);
