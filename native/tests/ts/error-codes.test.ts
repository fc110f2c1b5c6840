/**
 * The runtime's error codes are listed in three places that must agree: the enum of swaa.h, the names
 * status.cc gives them, and SWAA_ERROR_CODES of native/addon/types.ts (which the IPC contract's
 * ERROR_CODES includes). A code added to the header and not to the TypeScript list fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SWAA_ERROR_CODES } from '../../addon/types.js';
import { ERROR_CODES } from '../../../electron/shared/contract.js';
import { repoRoot } from './fixtures.js';

const read = (p: string) => readFileSync(join(repoRoot, p), 'utf8');

test('swaa.h, status.cc, the TypeScript API and the IPC contract list the same runtime error codes', () => {
  const header = read('native/include/swaa.h');
  const enumBody = header.slice(header.indexOf('typedef enum swaa_status {'), header.indexOf('} swaa_status;'));
  const fromHeader = [...enumBody.matchAll(/^\s*(SWAA_ERR_[A-Z_]+)\s*=/gm)].map((m) => m[1]);
  // `case SWAA_ERR_X: return "SWAA_ERR_X";` — each name spelt as its enum value (the fallback for values
  // outside the enum is not a code)
  const cases = [...read('native/src/status.cc').matchAll(/case (SWAA_ERR_[A-Z_]+): return "([A-Z_]+)"/g)];
  for (const [, value, name] of cases) assert.equal(name, value, `status.cc names ${value}`);
  const fromStatus = cases.map((m) => m[1]);
  assert.ok(fromHeader.length >= 18, `found the enum (${fromHeader.length} codes)`);
  assert.deepEqual([...fromHeader].sort(), [...SWAA_ERROR_CODES].sort(), 'swaa.h enum vs native/addon/types.ts SWAA_ERROR_CODES');
  assert.deepEqual([...new Set(fromStatus)].sort(), [...SWAA_ERROR_CODES].sort(), 'status.cc names vs SWAA_ERROR_CODES');
  for (const c of SWAA_ERROR_CODES) assert.ok((ERROR_CODES as readonly string[]).includes(c), `${c} is a contract error code`);
});
