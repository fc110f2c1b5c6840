/**
 * Get models, end to end in web mode: the app's catalog points (SWAA_CATALOG) at a generated test model
 * and HF_ENDPOINT at a local server that answers like Hugging Face's resolve endpoint. A person opens
 * "Get models", sees the size and the fit, downloads the model while the progress moves, uses it, and
 * asks a question on it. The model has random weights: the run must complete; its text is noise.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { missingForWeb, ROOT } from './lib/prereqs.js';
import type { WebServer } from './lib/webServer.js';
import { openApp } from './lib/app.js';
import { dropFiles, shot } from './lib/browser.js';
import { startFakeHf, type FakeHf } from '../electron/test/fake-hf.js';
import { writeTestCatalog, type TestCatalog } from '../electron/test/catalog-fixture.js';

/** Loading and answering on two shared CPU cores: generous, never a performance claim. */
const RUN_TIMEOUT_MS = 180_000;

const missing = missingForWeb();
if (missing.length > 0) it('Get models in the browser', { skip: missing.join('; ') }, () => {});
else describe('Get models in the browser (local Hugging Face)', () => {
  let dir: string;
  let cat: TestCatalog;
  let hf: FakeHf;
  let server: WebServer;
  let browser: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'swaa-e2e-catalog-'));
    cat = await writeTestCatalog(dir);
    // Slowed to ~1 MiB per 40 ms so the progress can be seen moving (no timing is asserted).
    hf = await startFakeHf(cat.files.map((f) => ({ ...f, throttle: { chunkBytes: 1 << 20, pauseMs: 40 } })));
    ({ server, browser, page } = await openApp(pageErrors, { HF_ENDPOINT: hf.url, SWAA_CATALOG: cat.catalogPath }));
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await hf?.close();
    rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(pageErrors, [], 'the page threw');
  });

  const entry = () => page.locator('[data-testid="catalog-model"]', { hasText: 'Tiny Qwen3 (test)' });

  it('shows the catalog model with its size, its checksum pin and whether it fits', async () => {
    await page.locator('[data-testid="catalog"] > summary').click();
    await entry().waitFor();
    const text = await entry().textContent() ?? '';
    assert.match(text, /MiB/, 'the size');
    assert.match(text, /sha256 pinned in the catalog/);
    await entry().locator('[data-testid="fit-hint"]').waitFor();
    assert.match(await entry().locator('[data-testid="fit-hint"]').textContent() ?? '', /Fits|Tight|Too large/);
    await shot(page, 'catalog-open');
  });

  it('downloads it with visible progress, then offers it as a model', async () => {
    await entry().getByRole('button', { name: 'Download' }).click();
    const progress = entry().locator('[data-testid="download-progress"]');
    await page.waitForFunction(() => /MiB of .*MiB/.test(document.querySelector('[data-testid="download-progress"]')?.textContent ?? ''),
      undefined, { timeout: RUN_TIMEOUT_MS });
    assert.match(await progress.textContent() ?? '', /of/);
    await shot(page, 'catalog-progress');
    await entry().getByRole('button', { name: 'Use this model' }).waitFor({ timeout: RUN_TIMEOUT_MS });
    await shot(page, 'catalog-downloaded');
    // The server saw the resolve request, then the file from storage: the download went through the HF protocol.
    assert.ok(hf.log.some((l) => l.path.includes('/resolve/')));
    assert.ok(hf.log.some((l) => l.path.startsWith('/cdn/')));
  });

  it('uses it and a question on it runs to the end', async () => {
    await entry().getByRole('button', { name: 'Use this model' }).click();
    await page.waitForFunction(() => {
      const sel = document.querySelector('.model-panel select') as HTMLSelectElement | null;
      // The library names a model by its GGUF's general.name; the demo model is the one with id "demo".
      return sel !== null && sel.value !== '' && sel.value !== 'demo';
    }, undefined, { timeout: RUN_TIMEOUT_MS });
    const bytes = readFileSync(join(ROOT, 'models', 'demo', 'samples', 'expedition_log.txt'));
    await dropFiles(page, '[data-testid="dropzone"]', [{ name: 'expedition_log.txt', mime: 'text/plain', bytes }]);
    await page.locator('[data-testid="document"]', { hasText: 'expedition_log.txt' }).waitFor();
    await page.fill('#question', 'Who leads the expedition?');
    await page.click('form.ask button[type="submit"]');
    try {
      await page.waitForFunction(() => {
        const cards = [...document.querySelectorAll('[data-testid="run-card"]')];
        return cards.length > 0 && cards.every((c) => ['done', 'error', 'cancelled'].includes(c.getAttribute('data-status') ?? ''));
      }, undefined, { timeout: RUN_TIMEOUT_MS });
    } finally {
      await shot(page, 'catalog-asked');
    }
    const statuses = await page.$$eval('[data-testid="run-card"]', (cs) => cs.map((c) => c.getAttribute('data-status')));
    assert.ok(statuses.every((s) => s === 'done'), `every run finished: ${statuses.join(', ')} — ${await page.locator('[data-testid="run-card"]').first().textContent()}`);
    await page.locator('[data-testid="run-card"] [data-testid="metrics"]').first().waitFor();
    await shot(page, 'catalog-answer');
  });
});
