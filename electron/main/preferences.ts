/**
 * Shell preferences that live outside the engine host's library (the host never touches the network,
 * so the update switch belongs to the main process): userData/preferences.json. Tested without Electron.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Preferences {
  /** Ask GitHub releases for a newer version at start (electron-updater). Off unless the user turns it on. */
  checkForUpdates: boolean;
}

export const DEFAULT_PREFERENCES: Readonly<Preferences> = Object.freeze({ checkForUpdates: false });

/** Anything that is not exactly `true` leaves the update check off: a damaged file never opts a user in. */
export function parsePreferences(raw: unknown): Preferences {
  const o = typeof raw === 'object' && raw !== null ? raw as Record<string, unknown> : {};
  return { checkForUpdates: o.checkForUpdates === true };
}

export function readPreferences(file: string): Preferences {
  try {
    return parsePreferences(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return { ...DEFAULT_PREFERENCES }; // first launch, or a file we cannot read
  }
}

/** Written to a temp file and renamed, so a crash mid-write never leaves half a file. */
export function writePreferences(file: string, prefs: Preferences): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(prefs, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** Splits a stream's chunks into whole lines (the engine host's output, written to the log line by line). */
export class LineSplitter {
  private rest = '';
  push(chunk: string): string[] {
    const parts = (this.rest + chunk).split(/\r?\n/);
    this.rest = parts.pop() ?? '';
    return parts;
  }
  flush(): string[] {
    const last = this.rest;
    this.rest = '';
    return last ? [last] : [];
  }
}
