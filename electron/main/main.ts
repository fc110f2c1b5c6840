/**
 * Electron main process: one window, the app menu, a single-instance lock, remembered window
 * state, and the engine host in a supervised utilityProcess. Security: contextIsolation, sandbox,
 * no nodeIntegration, a strict CSP on every response, navigation and new windows blocked, external
 * links opened only after a check, every IPC payload validated, only user-chosen paths opened.
 * Policies live in security.ts / window-state.ts (tested in Node; this file only wires Electron).
 */
import {
  app, BrowserWindow, Menu, dialog, ipcMain, net, protocol, screen, session, shell,
  type IpcMainInvokeEvent, type MenuItemConstructorOptions,
} from 'electron';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ELECTRON_EVENT_CHANNEL, ELECTRON_INVOKE_CHANNEL, ELECTRON_OPEN_EXTERNAL_CHANNEL, ELECTRON_PICK_CHANNEL, IpcError, settle, toIpcError,
} from '../shared/contract.js';
import { HostSupervisor } from '../host/supervisor.js';
import { projectRoot } from '../host/paths.js';
import { utilitySpawner } from './utility-spawner.js';
import { setUpSupport } from './support.js';
import { safeStorageVault } from './key-vault-main.js';
import { APP_HOST, APP_ORIGIN, APP_SCHEME, RENDERER_CSP, UserPathPolicy, isAppUrl, linkDecision, resolveAppPath } from './security.js';
import { fitToDisplays, parseWindowState, type WindowState } from './window-state.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Set in development to load the Vite dev server instead of the built renderer. */
const DEV_SERVER_URL = process.env.SWAA_RENDERER_URL ?? null;
// Inside app.asar when installed (electron-builder.yml files: renderer/dist/**), so the same path holds.
const RENDERER_DIR = join(projectRoot(), 'renderer', 'dist');
const PRELOAD = join(here, '..', 'preload', 'preload.cjs');

const DOCUMENT_FILTERS = [{ name: 'Documents', extensions: ['pdf', 'docx', 'md', 'markdown', 'txt', 'html', 'htm'] }];
const MODEL_FILTERS = [{ name: 'GGUF models', extensions: ['gguf'] }];

// Tests and portable setups point the whole profile (library, logs, window state) elsewhere.
if (process.env.SWAA_DATA_DIR) app.setPath('userData', process.env.SWAA_DATA_DIR);

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let win: BrowserWindow | null = null;
  const paths = new UserPathPolicy();
  const stateFile = () => join(app.getPath('userData'), 'window-state.json');
  // The host finds the demo model and presets itself (repo in development, resources when installed:
  // host/paths.ts), the way npm run test:package checks it.
  const support = setUpSupport(); // log file (main + host), Show Logs, opt-in update check
  const supervisor = new HostSupervisor(utilitySpawner(support.hostOutput), { dataDir: app.getPath('userData'), mode: 'electron' }, { vault: safeStorageVault });

  const loadWindowState = (): WindowState => {
    let raw: unknown = null;
    try { raw = JSON.parse(readFileSync(stateFile(), 'utf8')); } catch { /* first launch */ }
    return fitToDisplays(parseWindowState(raw), screen.getAllDisplays().map((d) => d.workArea));
  };
  const saveWindowState = (w: BrowserWindow): void => {
    const b = w.getNormalBounds();
    try {
      mkdirSync(dirname(stateFile()), { recursive: true });
      writeFileSync(stateFile(), JSON.stringify({ ...b, maximized: w.isMaximized() }));
    } catch { /* not worth failing a quit over */ }
  };

  /** IPC only from our own top frame. */
  const trusted = (e: IpcMainInvokeEvent): boolean => {
    const url = e.senderFrame?.url ?? '';
    return e.sender === win?.webContents && e.senderFrame === win?.webContents.mainFrame && isAppUrl(url, DEV_SERVER_URL);
  };

  const createWindow = (): void => {
    const state = loadWindowState();
    win = new BrowserWindow({
      ...state, show: false, title: 'SWAA Desk', backgroundColor: '#111318',
      webPreferences: {
        preload: PRELOAD, contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false,
        webSecurity: true, allowRunningInsecureContent: false, webviewTag: false, spellcheck: false,
      },
    });
    if (state.maximized) win.maximize();
    win.once('ready-to-show', () => win?.show());
    win.on('close', () => { if (win) saveWindowState(win); });
    win.on('closed', () => { win = null; });
    const wc = win.webContents;
    wc.setWindowOpenHandler(({ url }) => {
      if (linkDecision(url, DEV_SERVER_URL) === 'open-external') void shell.openExternal(url);
      return { action: 'deny' };
    });
    wc.on('will-navigate', (e, url) => { if (!isAppUrl(url, DEV_SERVER_URL)) e.preventDefault(); });
    wc.on('will-redirect', (e, url) => { if (!isAppUrl(url, DEV_SERVER_URL)) e.preventDefault(); });
    wc.on('will-attach-webview', (e) => e.preventDefault());
    void win.loadURL(DEV_SERVER_URL ?? `${APP_ORIGIN}/index.html`);
  };

  /** Asks for files and adds them through the host; the host's library.changed event refreshes the UI. */
  const addFromMenu = async (kind: 'document' | 'model'): Promise<void> => {
    if (!win) return;
    const r = await dialog.showOpenDialog(win, {
      properties: kind === 'document' ? ['openFile', 'multiSelections'] : ['openFile'],
      filters: kind === 'document' ? DOCUMENT_FILTERS : MODEL_FILTERS,
    });
    for (const path of r.canceled ? [] : r.filePaths) {
      try {
        await supervisor.invokeUnknown(kind === 'document' ? 'documents.add' : 'models.add', { path });
      } catch (err) {
        const e = toIpcError(err);
        dialog.showErrorBox('SWAA Desk', `${path}\n\n${e.message} (${e.code})`);
      }
    }
  };

  const buildMenu = (): void => {
    const isMac = process.platform === 'darwin';
    const template: MenuItemConstructorOptions[] = [
      ...(isMac ? [{ role: 'appMenu' as const }] : []),
      { label: 'File', submenu: [
        { label: 'Add Document…', accelerator: 'CmdOrCtrl+O', click: () => void addFromMenu('document') },
        { label: 'Add Model…', click: () => void addFromMenu('model') },
        { type: 'separator' }, isMac ? { role: 'close' } : { role: 'quit' },
      ] },
      { role: 'editMenu' },
      { label: 'View', submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }])] },
      { role: 'windowMenu' },
      { role: 'help', submenu: [{ label: 'About SWAA (paper)', click: () => void shell.openExternal('https://arxiv.org/abs/2512.10411') },
        { type: 'separator' }, ...support.menuItems()] },
    ];
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };

  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });

  app.on('web-contents-created', (_e, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });

  app.whenReady().then(async () => {
    // Strict CSP on every response the renderer gets, whatever serves it.
    session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
      cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [RENDERER_CSP] } });
    });
    // The app needs no browser permission (camera, notifications, clipboard-read, …): every request is
    // refused, and every check answers no, so an API that only checks (without requesting) is refused too.
    session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    protocol.handle(APP_SCHEME, async (req) => {
      const url = new URL(req.url);
      const file = url.host === APP_HOST ? resolveAppPath(RENDERER_DIR, url.pathname, process.platform === 'win32' ? '\\' : '/') : null;
      if (!file || !existsSync(file)) {
        return new Response(existsSync(join(RENDERER_DIR, 'index.html')) ? 'not found' : 'The renderer is not built: run npm run build:renderer',
          { status: 404, headers: { 'Content-Type': 'text/plain' } });
      }
      const res = await net.fetch(pathToFileURL(file).toString());
      const headers = new Headers(res.headers);
      headers.set('Content-Security-Policy', RENDERER_CSP);
      headers.set('X-Content-Type-Options', 'nosniff');
      return new Response(res.body, { status: res.status, headers });
    });

    ipcMain.handle(ELECTRON_INVOKE_CHANNEL, async (e, channel: unknown, payload: unknown) => {
      return settle(async () => {
        if (!trusted(e)) throw new IpcError('NOT_SUPPORTED', 'untrusted sender');
        if (typeof channel !== 'string') throw new IpcError('INVALID_PAYLOAD', 'channel must be a string');
        paths.check(channel, payload);
        return supervisor.invokeUnknown(channel, payload);
      });
    });
    ipcMain.handle(ELECTRON_PICK_CHANNEL, async (e, kind: unknown) => {
      if (!trusted(e) || !win || (kind !== 'document' && kind !== 'model')) return [];
      const r = await dialog.showOpenDialog(win, {
        properties: kind === 'document' ? ['openFile', 'multiSelections'] : ['openFile'],
        filters: kind === 'document' ? DOCUMENT_FILTERS : MODEL_FILTERS,
      });
      if (r.canceled) return [];
      for (const p of r.filePaths) paths.allow(p);
      return r.filePaths;
    });
    ipcMain.on('swaa:user-path', (e, p: unknown) => {
      if (e.sender === win?.webContents && typeof p === 'string') paths.allow(p);
    });
    ipcMain.handle(ELECTRON_OPEN_EXTERNAL_CHANNEL, async (e, url: unknown) => {
      if (!trusted(e) || typeof url !== 'string' || linkDecision(url) !== 'open-external') return false;
      await shell.openExternal(url);
      return true;
    });
    supervisor.onAny((ev) => win?.webContents.send(ELECTRON_EVENT_CHANNEL, ev));

    buildMenu();
    createWindow();
    support.start();
    await supervisor.start().catch((err: unknown) => {
      dialog.showErrorBox('SWAA Desk', `The engine could not start: ${toIpcError(err).message}`);
    });
    app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) createWindow(); });
  }).catch((err: unknown) => {
    dialog.showErrorBox('SWAA Desk', String(err));
    app.quit();
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('before-quit', () => { void supervisor.stop(); });
}
