/** The Electron shell's policies, tested without Electron. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserPathPolicy, isAppUrl, linkDecision, resolveAppPath } from './security.js';
import { DEFAULT_WINDOW_STATE, fitToDisplays, parseWindowState } from './window-state.js';

test('only the app scheme (and a configured dev server) may be shown in the window', () => {
  assert.equal(isAppUrl('app://swaa/index.html'), true);
  assert.equal(isAppUrl('app://other/index.html'), false);
  assert.equal(isAppUrl('file:///etc/passwd'), false);
  assert.equal(isAppUrl('http://localhost:5173/'), false);
  assert.equal(isAppUrl('http://localhost:5173/x', 'http://localhost:5173'), true);
  assert.equal(linkDecision('https://arxiv.org/abs/2512.10411'), 'open-external');
  assert.equal(linkDecision('javascript:alert(1)'), 'deny');
  assert.equal(linkDecision('file:///home/me/secret.txt'), 'deny');
  assert.equal(linkDecision('https://user:pw@example.com/'), 'deny');
  assert.equal(linkDecision('app://swaa/#/settings'), 'allow-in-app');
});

test('the renderer may open only paths the user chose', () => {
  const policy = new UserPathPolicy();
  assert.throws(() => policy.check('documents.add', { path: '/home/me/.ssh/id_rsa' }), { code: 'NOT_SUPPORTED' });
  policy.allow('/home/me/report.pdf');
  assert.doesNotThrow(() => policy.check('documents.add', { path: '/home/me/report.pdf' }));
  assert.throws(() => policy.check('models.add', { path: '/home/me/other.gguf' }), { code: 'NOT_SUPPORTED' });
  assert.doesNotThrow(() => policy.check('documents.list', {}));
});

test('app:// paths never leave the renderer folder', () => {
  assert.equal(resolveAppPath('/app/dist', '/'), '/app/dist/index.html');
  assert.equal(resolveAppPath('/app/dist', '/assets/a.js'), '/app/dist/assets/a.js');
  assert.equal(resolveAppPath('/app/dist', '/../../etc/passwd'), null);
  assert.equal(resolveAppPath('/app/dist', '/%2e%2e/secret'), null);
  assert.equal(resolveAppPath('/app/dist', '/a/..\\..\\b'), null);
  assert.equal(resolveAppPath('/app/dist', '/%E0%A4%A'), null);
});

test('window state: bad files give defaults; off-screen positions are dropped, sizes kept', () => {
  assert.deepEqual(parseWindowState({ width: 'x' }), DEFAULT_WINDOW_STATE);
  assert.deepEqual(parseWindowState(null), DEFAULT_WINDOW_STATE);
  const screen = [{ x: 0, y: 0, width: 1920, height: 1080 }];
  const on = parseWindowState({ x: 100, y: 80, width: 1000, height: 700, maximized: true });
  assert.deepEqual(fitToDisplays(on, screen), on);
  assert.deepEqual(fitToDisplays({ x: 5000, y: 80, width: 1000, height: 700, maximized: false }, screen), { width: 1000, height: 700, maximized: false });
});
