/** Debian chromium through playwright-core (no browser download), and helpers the specs share. */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ARTIFACTS, CHROMIUM } from './prereqs.js';

export const VIEWPORT = { width: 1280, height: 800 };
/** The window sizes the layout must fit without scrolling sideways (issue 19 item 8). */
export const LAYOUT_SIZES = [{ width: 1024, height: 700 }, { width: 1280, height: 800 }] as const;

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

/**
 * At each layout size: a screenshot (NN-name-WxH.png) and the page's horizontal overflow in pixels
 * (0 = nothing scrolls sideways). Ends at VIEWPORT, where the specs run.
 */
export async function shotAtLayoutSizes(page: Page, name: string): Promise<{ size: string; overflow: number; culprits: string[] }[]> {
  const out: { size: string; overflow: number; culprits: string[] }[] = [];
  for (const size of LAYOUT_SIZES) {
    await page.setViewportSize(size);
    // Two frames: ResizeObserver-driven charts settle after the first layout.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    await shot(page, `${name}-${size.width}x${size.height}`);
    // The innermost elements that reach past the viewport: what a failing layout check names.
    const culprits = overflow <= 0 ? [] : await page.evaluate(() => {
      const width = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > width + 0.5);
      return wide.filter((e) => !wide.some((o) => o !== e && e.contains(o))).slice(0, 6)
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''} (right ${Math.round(e.getBoundingClientRect().right)})`);
    });
    out.push({ size: `${size.width}x${size.height}`, overflow, culprits });
  }
  await page.setViewportSize(VIEWPORT);
  return out;
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
