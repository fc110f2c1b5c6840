// Runs electron-builder for assemble.ts in a process of its own: electron-builder and the tools it starts
// write to the stdout they inherit, and inside a node:test file that stream carries the test runner's own
// framed messages (interleaved writes there broke the runner: "Unable to deserialize cloned data").
//   node eb-build.cjs <projectDir> <configFile>
const { existsSync, lstatSync } = require('node:fs');
const { join } = require('node:path');

const [projectDir, configFile] = process.argv.slice(2);
// electron-builder's npm collector reads the tree with `npm ls`; where node_modules is a symlink into
// another checkout (how our build machines share one install) npm reports the linked packages' own
// dependencies missing and the app would be packed without them. Such a checkout uses electron-builder's
// fallback, which reads node_modules from disk; a normal checkout (CI, release runners) keeps npm's.
const nm = join(projectDir, 'node_modules');
if (existsSync(nm) && lstatSync(nm).isSymbolicLink()) {
  const { Packager } = require('app-builder-lib/out/packager');
  Packager.prototype.getPackageManager = async () => 'traversal';
}
const eb = require('electron-builder');
const arch = eb.Arch[process.arch];
eb.build({ projectDir, config: configFile, publish: 'never', targets: eb.Platform.current().createTarget('dir', arch) })
  .then(() => process.exit(0), (err) => { console.error(err && err.stack ? err.stack : String(err)); process.exit(1); });
