#!/usr/bin/env node
// `npm run dist [-- electron-builder args]`: builds the installer(s) of this OS and architecture
// (electron-builder.yml) into dist/installers. Arguments after `--` go to electron-builder
// (e.g. `--publish always` in the release workflow; the default is --publish never).
// electron-builder packs the Electron binary into every installer. Where that binary cannot be
// downloaded (offline build machines) this stops with a message instead of electron-builder's stack trace.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const fail = (msg) => { console.error(`[dist] ${msg}`); process.exit(1); };

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (r.status !== 0) fail(`${[cmd, ...args].join(' ')} failed (exit ${r.status})`);
}

if (!existsSync(join(root, 'native', 'build', 'Release', 'swaa.node'))) {
  fail('the native addon is not built: run `npm run build:native` first (installers carry native/build/Release/swaa.node).');
}

// The same downloader and cache electron-builder uses, so a successful check is the download it needs.
const electronVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
const platform = process.platform;
const arch = process.arch;
console.log(`[dist] checking that Electron ${electronVersion} (${platform}-${arch}) can be had`);
try {
  const { downloadArtifact } = createRequire(require.resolve('app-builder-lib'))('@electron/get');
  await downloadArtifact({ version: electronVersion, platform, arch, artifactName: 'electron' });
} catch (err) {
  const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
  fail([
    `Electron ${electronVersion} for ${platform}-${arch} could not be downloaded (${reason}).`,
    '       Every installer contains the Electron binary, so none can be built on this machine.',
    '       Build installers where the download works (the release workflow, .github/workflows/release.yml),',
    '       or set ELECTRON_MIRROR / electron_config_cache to a local copy of the Electron release.',
    '       `npm run test:package` checks the packaged layout without the binary.',
  ].join('\n'));
}

run(npm, ['run', '--silent', 'build:electron']);
run(npm, ['run', '--silent', 'build:renderer']);

// One architecture: the native addon in native/build is built for this machine only.
const osFlag = { darwin: '--mac', win32: '--win', linux: '--linux' }[platform];
if (!osFlag) fail(`no installer is configured for ${platform}`);
const extra = process.argv.slice(2);
const args = [osFlag, `--${arch}`, ...(extra.some((a) => a.startsWith('--publish')) ? [] : ['--publish', 'never']), ...extra];
console.log(`[dist] electron-builder ${args.join(' ')}`);
run(process.execPath, [require.resolve('electron-builder/cli.js'), ...args]);
console.log('[dist] installers are in dist/installers');
