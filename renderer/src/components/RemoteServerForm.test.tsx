// @vitest-environment jsdom
/** The "Remote server" form against the in-memory fake bridge: adds a server with its key, then shows why presets are refused. */
import { describe, expect, it } from 'vitest';
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { RemoteServerForm } from './RemoteServerForm';
import { createStores, StoresProvider } from '../bridge/stores';
import { fakeBridge } from '../test/fakeBridge';
import type { ResponseOf, SwaaBridge } from '../contract';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const ENGINE: ResponseOf<'engines.list'>[number] = {
  id: 'remote-1', kind: 'llama-server', baseUrl: 'http://127.0.0.1:8080', model: 'demo', host: '127.0.0.1:8080', hasKey: true,
  keyStore: 'os', nLayer: null, architecture: null, timeoutMs: 600_000, addedAt: '2025-01-01',
  presetSupport: { full: null, fast: 'llama-server runs full attention only; this preset needs SWAA (a 2048-token window).' },
};

function setValue(el: HTMLInputElement, value: string) {
  const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
  set.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

describe('RemoteServerForm', () => {
  it('sends the URL, key and model once, forgets the key, and lists the presets the server refuses with the reason', async () => {
    let engines: ResponseOf<'engines.list'> = [];
    const bridge = fakeBridge({
      'engines.list': () => engines,
      'engines.probe': () => ({ models: ['demo', 'other'], kind: 'llama-server' }),
      'engines.addRemote': () => { engines = [ENGINE]; return ENGINE; },
      'models.list': () => [],
    });
    const stores = createStores(bridge as unknown as SwaaBridge);
    const container = document.createElement('div');
    const root = createRoot(container);
    await act(async () => { root.render(<StoresProvider stores={stores}><RemoteServerForm /></StoresProvider>); });
    const engineCalls = () => bridge.calls.map((c) => c.channel).filter((c) => c.startsWith('engines.'));
    expect(engineCalls()).toEqual([]);
    const details = container.querySelector('details')!;
    await act(async () => { details.open = true; details.dispatchEvent(new Event('toggle')); });
    expect(new Set(engineCalls())).toEqual(new Set(['engines.list']));
    const url = container.querySelector<HTMLInputElement>('#remote-url')!;
    const key = container.querySelector<HTMLInputElement>('#remote-key')!;
    expect(key.type).toBe('password');
    await act(async () => { setValue(url, 'http://127.0.0.1:8080'); setValue(key, 'sk-1'); });
    await act(async () => { [...container.querySelectorAll('button')].find((b) => b.textContent === 'List models')!.click(); });
    expect(container.querySelector<HTMLInputElement>('#remote-model')!.value).toBe('demo');
    await act(async () => { container.querySelector('form')!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })); });
    const add = bridge.calls.find((c) => c.channel === 'engines.addRemote');
    expect(add?.request).toEqual({ baseUrl: 'http://127.0.0.1:8080', kind: 'auto', apiKey: 'sk-1', model: 'demo' });
    expect(key.value).toBe('');
    const refused = [...container.querySelectorAll('[data-testid="preset-refused"]')].map((e) => e.textContent);
    expect(refused).toEqual(['fast: llama-server runs full attention only; this preset needs SWAA (a 2048-token window).']);
    await act(async () => { root.unmount(); });
  });
});
