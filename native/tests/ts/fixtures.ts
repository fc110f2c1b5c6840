/** Shared fixtures of the runtime's TypeScript tests: the demo model (it carries a real tokenizer). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const demoModelPath = join(repoRoot, 'models', 'demo', 'demo.gguf');
export const addonPath = join(repoRoot, 'native', 'build', 'Release', 'swaa.node');

/** Why the runtime tests cannot run here, or null. Printed as the skip reason. */
export function missingPrerequisite(): string | null {
  if (!existsSync(addonPath)) return `the addon is not built (${addonPath}); run npm run build:native`;
  if (!existsSync(demoModelPath)) return `the demo model is missing (${demoModelPath})`;
  return null;
}

/** A document of filler with a fact, long enough for several chunks. */
export function longDocument(sentences: number): string {
  const parts: string[] = [];
  for (let i = 0; i < sentences; i++) {
    parts.push(`Record ${i}: the archive of the northern office lists item ${i * 7 % 97} under shelf ${i % 13}.`);
    if (i === Math.floor(sentences / 3)) parts.push('The access code of Mira Castell is 4821.');
  }
  return parts.join(' ');
}
