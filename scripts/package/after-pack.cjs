// electron-builder afterPack hook (electron-builder.yml): flips Electron's fuses in the packaged binary.
// It runs after the app files are in place and before code signing, because flipping a fuse edits the
// binary and would break a signature made earlier. CommonJS because electron-builder require()s hooks.
'use strict';
const { join } = require('node:path');
const { flipFuses, FuseVersion, FuseV1Options } = require('@electron/fuses');
const { Arch } = require('electron-builder');

/** The fuses of an installed SWAA Desk (exported for the test that reads them back). */
const FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node interpreter.
  [FuseV1Options.RunAsNode]: false,
  // Cookies and other Chromium storage encrypted with an OS-held key.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS and --inspect would let anyone inject code into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // app.asar is checked against the hash electron-builder embedded; a modified archive does not start.
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only resources/app.asar is loaded, never a resources/app folder someone drops beside it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
});

/** Where the Electron executable is inside an appOutDir (electron-builder's own naming). */
function electronBinary(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas': return join(appOutDir, `${packager.appInfo.productFilename}.app`);
    case 'win32': return join(appOutDir, `${packager.appInfo.productFilename}.exe`);
    default: return join(appOutDir, packager.executableName);
  }
}

async function afterPack(context) {
  const binary = electronBinary(context);
  const isMac = context.electronPlatformName === 'darwin' || context.electronPlatformName === 'mas';
  await flipFuses(binary, {
    version: FuseVersion.V1,
    // Editing the binary invalidates its ad-hoc signature, and Apple silicon refuses to run unsigned
    // code: re-sign ad hoc (a Developer ID signature, when configured, replaces it afterwards).
    resetAdHocDarwinSignature: isMac && context.arch === Arch.arm64,
    ...FUSES,
  });
  console.log(`  • fuses flipped  binary=${binary}`);
}

module.exports = { default: afterPack, afterPack, FUSES, electronBinary };
