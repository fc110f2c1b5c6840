/** Debian chromium through playwright-core (no browser download), and helpers the specs share. */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ARTIFACTS, CHROMIUM } from './prereqs.js';

export const VIEWPORT = { width: 1280, height: 800 };

export async function launch(): Promise<BrowserContext> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'swaa-e2e-chromium-'));
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: VIEWPORT,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
}

let step = 0;
/** Saves e2e/artifacts/NN-name.png and returns its path. */
export async function shot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${String(++step).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path, fullPage: false });
  console.log(`  screenshot ${path}`);
  return path;
}

export interface DropFile { name: string; mime: string; bytes: Buffer }

/** Drops files on an element the way a person does: dragenter, dragover, drop with a real DataTransfer. */
export async function dropFiles(page: Page, selector: string, files: DropFile[]): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, mime: f.mime, base64: f.bytes.toString('base64') }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bin = atob(f.base64);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new File([bytes], f.name, { type: f.mime }));
    }
    return dt;
  }, payload);
  for (const type of ['dragenter', 'dragover', 'drop']) {
    await page.dispatchEvent(selector, type, { dataTransfer });
  }
  await dataTransfer.dispose();
}
