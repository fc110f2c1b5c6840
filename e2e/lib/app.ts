/** The app in web mode opened in Debian chromium: the server (with extra environment, e.g. a local
 *  Hugging Face), a browser, and a page at the app's URL whose uncaught errors go to `pageErrors`. */
import type { BrowserContext, Page } from 'playwright-core';
import { launch } from './browser.js';
import { startWebServer, type WebServer } from './webServer.js';

export async function openApp(pageErrors: string[], env?: Record<string, string>): Promise<{ server: WebServer; browser: BrowserContext; page: Page }> {
  const server = await startWebServer(env);
  const browser = await launch();
  const page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(server.url);
  return { server, browser, page };
}
