/**
 * What a person needs from an installed app when something goes wrong, and updates they asked for:
 * - one log file to send: the main process and the engine host (its stdout/stderr, line by line) in
 *   <logs>/main.log, where each OS keeps app logs (app.getPath('logs'): ~/.config/swaa-desk/logs,
 *   ~/Library/Logs/swaa-desk, %APPDATA%\swaa-desk\logs); past 5 MB it rotates to main.old.log;
 * - Help ▸ Show Logs opens that folder;
 * - the update check (electron-updater against the GitHub releases the release workflow publishes) only
 *   when the user ticked Help ▸ Check for Updates at Start (preferences.ts). Nothing else leaves the
 *   machine: the app sends no telemetry.
 */
import { app, shell, type MenuItemConstructorOptions } from 'electron';
import log from 'electron-log/main';
import { join } from 'node:path';
import { LineSplitter, readPreferences, writePreferences } from './preferences.js';

const LOG_MAX_BYTES = 5 * 1024 * 1024;

export interface Support {
  /** Writes one stream of the engine host's output into the log. */
  hostOutput(stream: 'stdout' | 'stderr'): (chunk: Buffer | string) => void;
  menuItems(): MenuItemConstructorOptions[];
  /** After app ready: the update check, if the user opted in. */
  start(): void;
}

export function setUpSupport(): Support {
  // SWAA_DATA_DIR moves the whole profile (main.ts); logs go with it.
  if (process.env.SWAA_DATA_DIR) app.setAppLogsPath(join(process.env.SWAA_DATA_DIR, 'logs'));
  const logsDir = app.getPath('logs');
  log.transports.file.resolvePathFn = () => join(logsDir, 'main.log');
  log.transports.file.maxSize = LOG_MAX_BYTES;
  Object.assign(console, log.functions); // the main process's own console lines land in the file too
  log.errorHandler.startCatching({ showDialog: false });
  log.info(`SWAA Desk ${app.getVersion()} (Electron ${process.versions.electron}, ${process.platform}-${process.arch}) starting`);

  const host = log.scope('host');
  const prefsFile = join(app.getPath('userData'), 'preferences.json');

  const checkNow = async (): Promise<void> => {
    // Loaded only when asked for: with the check off, no update code runs at all.
    const { autoUpdater } = (await import('electron-updater')).default;
    autoUpdater.logger = log;
    await autoUpdater.checkForUpdatesAndNotify();
  };
  const check = (): void => {
    // Only an installed app has the release feed (resources/app-update.yml).
    if (!app.isPackaged) { log.info('update check skipped: not an installed app'); return; }
    checkNow().catch((err: unknown) => log.warn(`update check failed: ${err instanceof Error ? err.message : String(err)}`));
  };

  return {
    hostOutput(stream) {
      const lines = new LineSplitter();
      return (chunk) => {
        for (const line of lines.push(chunk.toString())) {
          if (stream === 'stderr') host.warn(line); else host.info(line);
        }
      };
    },
    menuItems: () => [
      { label: 'Show Logs', click: () => void shell.openPath(logsDir) },
      { label: 'Check for Updates at Start', type: 'checkbox', checked: readPreferences(prefsFile).checkForUpdates,
        click: (item) => {
          writePreferences(prefsFile, { ...readPreferences(prefsFile), checkForUpdates: item.checked });
          if (item.checked) check();
        } },
    ],
    start() {
      if (readPreferences(prefsFile).checkForUpdates) check();
    },
  };
}
