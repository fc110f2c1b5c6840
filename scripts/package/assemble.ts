/**
 * Assembles the installed app the way the installers do, without an installer: electron-builder
 * itself runs on electron-builder.yml (same files, production node_modules, extraResources,
 * asarUnpack, ASAR made with @electron/asar, the afterPack hook that flips the fuses) into a folder,
 * with the `dir` target. Three settings differ from a release build, all outside what the app carries:
 *   - electronDist: the installed Electron when its binary exists, else (Linux) a stand-in executable
 *     that only carries a fuse wire, because the Electron binary cannot be downloaded on our machines;
 *   - npmRebuild off: the test runs the host under this Node, so native modules stay built for it
 *     (a release build rebuilds them for Electron);
 *   - the output folder, in the temp dir (outside the checkout, so nothing resolves from its node_modules).
 * The app.asar is then unpacked with @electron/asar next to itself (<resources>/app) so plain Node can
 * run the engine host from it; unpacked (asarUnpack) files are read from app.asar.unpacked, so a file
 * the config forgot to unpack is missing there as well.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
type Asar = typeof import('@electron/asar');
interface Yaml { load(text: string): unknown; dump(value: unknown, options?: { lineWidth?: number }): string }

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** electron-builder.yml as data (a plain object; the test edits copies of it). */
export type BuilderConfig = Record<string, unknown> & { files?: unknown[]; extraResources?: unknown[] };

/** js-yaml as electron-builder itself resolves it, so the file is read exactly as a release build reads it. */
function yaml(): Yaml {
  return createRequire(require.resolve('app-builder-lib'))('js-yaml') as Yaml;
}

export function readBuilderConfig(root = ROOT): BuilderConfig {
  return yaml().load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
}

// @electron/fuses' marker before the fuse wire in an Electron binary (@electron/fuses constants.SENTINEL).
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
// Electron 38's wire as shipped: RunAsNode on, cookie encryption off, NODE_OPTIONS on, --inspect on,
// ASAR integrity off, only-ASAR off, browser V8 snapshot off, file:// privileges on.
const STOCK_FUSE_WIRE = '10110001';

/** Where an installed Electron binary is, or null (ELECTRON_SKIP_BINARY_DOWNLOAD, offline machines). */
export function installedElectronDist(root = ROOT): string | null {
  const dist = join(root, 'node_modules', 'electron', 'dist');
  const exe = process.platform === 'win32' ? 'electron.exe' : process.platform === 'darwin' ? 'Electron.app' : 'electron';
  return existsSync(join(dist, exe)) ? dist : null;
}

/**
 * A stand-in Electron distribution for Linux: an executable named `electron` holding a stock fuse wire
 * (so the afterPack hook flips real fuses, read back by the test) and the files electron-builder copies.
 * macOS and Windows packaging edits the executable itself (Info.plist, PE resources): there only a real
 * Electron will do.
 */
function standInElectronDist(dir: string, version: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const exe = join(dir, 'electron');
  writeFileSync(exe, Buffer.concat([
    Buffer.from('#!/bin/sh\necho "stand-in Electron for npm run test:package"\nexit 1\n#'),
    Buffer.from(FUSE_SENTINEL, 'latin1'), Buffer.from([1, STOCK_FUSE_WIRE.length]), Buffer.from(STOCK_FUSE_WIRE, 'latin1'), Buffer.from('\n'),
  ]));
  chmodSync(exe, 0o755);
  writeFileSync(join(dir, 'version'), version);
  writeFileSync(join(dir, 'LICENSE'), 'stand-in');
  return dir;
}

/** Why this machine cannot assemble, or null. */
export function cannotAssemble(root = ROOT): string | null {
  if (installedElectronDist(root) || process.platform === 'linux') return null;
  return `assembling on ${process.platform} needs the Electron binary (node_modules/electron/dist), which is not installed`;
}

export interface Assembly {
  /** electron-builder's unpacked app (linux-unpacked, win-unpacked, mac/…app). */
  appOutDir: string;
  /** Where the installed app's resources are (app.asar and the extraResources). */
  resourcesDir: string;
  /** app.asar unpacked with @electron/asar: the app code as the installed app sees it. */
  appDir: string;
  /** The Electron executable the fuses were flipped in. */
  electronBinary: string;
  /** Whether that executable is the stand-in (only the fuse wire is real). */
  standIn: boolean;
}


export async function assemble(outDir: string, options: { root?: string; config?: BuilderConfig } = {}): Promise<Assembly> {
  const root = options.root ?? ROOT;
  const why = cannotAssemble(root);
  if (why) throw new Error(why);
  const asar = require('@electron/asar') as Asar;
  const config = options.config ?? readBuilderConfig(root);
  const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
  const real = installedElectronDist(root);
  const output = join(outDir, 'out');
  const testConfig = {
    ...config,
    electronDist: real ?? standInElectronDist(join(outDir, 'electron-dist'), electronVersion),
    electronVersion,
    npmRebuild: false,
    directories: { ...(config.directories as Record<string, unknown> | undefined), output },
  };
  mkdirSync(outDir, { recursive: true });
  const configFile = join(outDir, 'electron-builder.assembly.yml');
  writeFileSync(configFile, yaml().dump(testConfig, { lineWidth: 200 }));
  // In a process of its own (eb-build.cjs says why); its output is shown only when it fails.
  const built = spawnSync(process.execPath, [join(dirname(fileURLToPath(import.meta.url)), 'eb-build.cjs'), root, configFile],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (built.status !== 0) throw new Error(`electron-builder failed (exit ${built.status}):\n${(built.stdout + built.stderr).slice(-4000)}`);

  const productName = String(config.productName);
  let appOutDir: string; let resourcesDir: string; let electronBinary: string;
  if (process.platform === 'darwin') {
    appOutDir = join(output, process.arch === 'arm64' ? 'mac-arm64' : 'mac', `${productName}.app`);
    resourcesDir = join(appOutDir, 'Contents', 'Resources');
    electronBinary = join(appOutDir, 'Contents', 'Frameworks', 'Electron Framework.framework', 'Electron Framework');
  } else {
    appOutDir = join(output, process.platform === 'win32' ? 'win-unpacked' : 'linux-unpacked');
    resourcesDir = join(appOutDir, 'resources');
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string };
    electronBinary = join(appOutDir, process.platform === 'win32' ? `${productName}.exe` : pkg.name);
  }
  const archive = join(resourcesDir, 'app.asar');
  if (!existsSync(archive)) throw new Error(`electron-builder made no ${archive}`);
  const appDir = join(resourcesDir, 'app');
  asar.extractAll(archive, appDir);
  return { appOutDir, resourcesDir, appDir, electronBinary, standIn: real === null };
}
