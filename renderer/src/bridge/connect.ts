/**
 * Finds the bridge: the Electron preload's `window.swaa`, else the web bridge client that talks to
 * `npm run web` over HTTP + server-sent events. The web client is loaded only in the browser.
 */
import type { SwaaBridge } from '../contract';

export async function connectBridge(): Promise<SwaaBridge> {
  if (window.swaa) return window.swaa;
  const { createWebBridge } = await import('../../../electron/web/bridge-client');
  return createWebBridge();
}
