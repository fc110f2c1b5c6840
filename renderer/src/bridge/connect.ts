/**
 * Finds the bridge: the Electron preload's `window.swaa`, else the web bridge client that talks to
 * `npm run web` over HTTP + events. The web client is loaded only in the browser.
 */
import type { SwaaBridge } from '../contract';

// A glob (not a plain import) so the renderer still builds while the web client does not exist yet.
const webClient = import.meta.glob<Record<string, unknown>>('../../../electron/web/bridge-client.ts');

export async function connectBridge(): Promise<SwaaBridge> {
  if (window.swaa) return window.swaa;
  const load = Object.values(webClient)[0];
  if (!load) throw new Error('This page runs outside the desktop app, and the web bridge is not part of this build.');
  const mod = await load();
  const factory = (mod.createWebBridge ?? mod.connectWebBridge ?? mod.default) as
    (() => SwaaBridge | Promise<SwaaBridge>) | undefined;
  if (typeof factory !== 'function') throw new Error('The web bridge client exports no bridge factory.');
  return factory();
}
