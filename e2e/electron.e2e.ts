/**
 * The desktop app itself, through playwright-core's Electron driver. Runs where the Electron binary
 * exists (node_modules/electron/dist); elsewhere it is skipped and says why.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { ELECTRON_DIST, missingForElectron, ROOT } from './lib/prereqs.js';
import { shot } from './lib/browser.js';
import type {} from '../electron/shared/contract.js'; // window.swaa

const reason = missingForElectron();
if (reason) console.log(`SKIP electron e2e: ${reason}`);

// A skipped test (not a skipped suite), so the runner counts the skip.
if (reason) it('SWAA Desk as a desktop app (Electron)', { skip: reason }, () => {});
else describe('SWAA Desk as a desktop app (Electron)', () => {
  let app: ElectronApplication;
  let page: Page;

  before(async () => {
    app = await _electron.launch({
      executablePath: join(ELECTRON_DIST, process.platform === 'win32' ? 'electron.exe' : 'electron'),
      args: [join(ROOT, 'dist', 'electron', 'main', 'main.js'), '--no-sandbox'],
      env: { ...process.env, SWAA_DATA_DIR: mkdtempSync(join(tmpdir(), 'swaa-e2e-electron-')) },
      cwd: ROOT,
    });
    page = await app.firstWindow();
  });

  after(async () => { await app?.close(); });

  it('opens a window with the preload bridge and no Node in the page', async () => {
    await page.waitForSelector('[data-testid="engine-facts"]');
    const facts = await page.evaluate(() => ({
      bridge: typeof window.swaa?.invoke === 'function' ? window.swaa.kind : null,
      node: typeof (globalThis as { require?: unknown }).require,
    }));
    assert.deepEqual(facts, { bridge: 'electron', node: 'undefined' });
    await page.waitForFunction(() => /Backend \S+.* · \d+ threads/.test(document.querySelector('[data-testid="engine-facts"]')?.textContent ?? ''));
    await shot(page, 'electron-start');
  });
});
