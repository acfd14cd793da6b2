// `npm run build` (and `prepack`): compile what ships with tsconfig.build.json into dist/, then
// copy what tsc does not emit: the generator's Handlebars templates and the Jest reporter shim.
'use strict';
const { spawnSync } = require('node:child_process');
const { cpSync, readdirSync, rmSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const ASSET = /\.(hbs|cjs)$/;
const SKIP_DIR = /^(node_modules|fixtures|test|testing|corpus)$/;
function copyAssets(dir) {
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) {
      if (!SKIP_DIR.test(name)) copyAssets(rel);
    } else if (ASSET.test(name)) cpSync(join(root, rel), join(dist, rel));
  }
}
for (const dir of ['generator', 'harness']) copyAssets(dir);
// the driver of a Kubernetes run, beside the compiled `k8s render` (run it with bash, whatever mode the install gave it)
cpSync(join(root, 'infra', 'k8s', 'run.sh'), join(dist, 'infra', 'k8s', 'run.sh'));
