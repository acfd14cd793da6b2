import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ConfigError, loadConfig } from '../config';
import { runCommand } from '../run-command';
import { checkExpiresAt, checkImage, checkRunId, DEFAULT_PARAMS, ParamError, type RunParams } from './run-params';

/*
 * What the verbs do loads when a verb runs: rendering pulls in kubernetes-models and validating
 * TypeScript (9 MB), which every other verb of the CLI (generate above all) must not pay for.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
const rendering = () => ({
  ...(require('./render-run') as typeof import('./render-run')),
  ...(require('./validate-manifests') as typeof import('./validate-manifests')),
  ...(require('./write-manifests') as typeof import('./write-manifests')),
});
const preparing = () => require('./prepare-databases') as typeof import('./prepare-databases');
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * `contract-harness k8s render` writes the manifests of one run (docs/scale-out.md, "Kubernetes");
 * `k8s prepare` is what the run's prepare Job runs in the project's image. `infra/k8s/run.sh`
 * applies the rendered files with kubectl. Exit 2 on a bad config or flag, 1 on anything else.
 */

interface RenderOptions {
  runId?: string;
  expiresAt?: string;
  image?: string;
  serviceImage: Record<string, string>;
  postgresImage: string;
  registry?: string;
  workdir: string;
  cli: string;
  servicePort: number;
  prepareTimeout: number;
  runnerTimeout: number;
  out?: string;
}

const err = (line: string) => process.stderr.write(`${line}\n`);

function parsePositive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('a positive whole number');
  return n;
}

function collectServiceImage(value: string, previous: Record<string, string>): Record<string, string> {
  const at = value.indexOf('=');
  if (at <= 0) throw new InvalidArgumentError('<service>=<image>');
  return { ...previous, [value.slice(0, at)]: value.slice(at + 1) };
}

const required = (flag: string, value: string | undefined): string => {
  if (value === undefined) throw new ParamError(flag, 'required');
  return value;
};

function runParams(o: RenderOptions, services: string[]): RunParams {
  if (!o.workdir.startsWith('/')) throw new ParamError('--workdir', `"${o.workdir}" must be an absolute path inside the image`);
  for (const name of Object.keys(o.serviceImage)) {
    if (!services.includes(name)) throw new ParamError('--service-image', `no service "${name}" in the config (services: ${services.join(', ')})`);
  }
  const cli = o.cli.trim().split(/\s+/).filter(Boolean);
  if (cli.length === 0) throw new ParamError('--cli', 'empty');
  return {
    runId: checkRunId(required('--run-id', o.runId)),
    expiresAt: checkExpiresAt(required('--expires-at', o.expiresAt)),
    image: checkImage('--image', required('--image', o.image)),
    serviceImages: Object.fromEntries(Object.entries(o.serviceImage).map(([k, v]) => [k, checkImage('--service-image', v)])),
    postgresImage: checkImage('--postgres-image', o.postgresImage),
    ...(o.registry ? { registry: checkImage('--registry', o.registry) } : {}),
    workdir: o.workdir,
    cli,
    servicePort: o.servicePort,
    prepareTimeoutSeconds: o.prepareTimeout,
    runnerTimeoutSeconds: o.runnerTimeout,
    collectSeconds: DEFAULT_PARAMS.collectSeconds,
  };
}

function render(o: RenderOptions): number {
  try {
    const config = loadConfig();
    const params = runParams(o, config.services.map((s) => s.name));
    const { renderRun, validateManifests, formatProblem, runFiles, writeRunFiles } = rendering();
    const run = renderRun(config, params);
    const problems = validateManifests(run.files.flatMap((f) => f.manifests.map((m) => m.toJSON() as Record<string, unknown>)));
    if (problems.length > 0) {
      err(`k8s render: the rendered manifests are not valid Kubernetes objects (a bug of the harness):\n${problems.map(formatProblem).join('\n')}`);
      return 1;
    }
    const files = runFiles(run, params.runId);
    if (o.out) {
      const dir = resolve(o.out);
      writeRunFiles(dir, files);
      err(`k8s render: namespace ${run.namespace}, ${files.length} files in ${dir} (apply with infra/k8s/run.sh ${o.out})`);
    } else {
      process.stdout.write(files.filter(([name]) => name.endsWith('.yaml')).map(([, text]) => text).join(''));
    }
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) err(`k8s render: configuration error: ${e.message}`);
    else if (e instanceof ParamError) err(`k8s render: ${e.message}`);
    else throw e;
    return 2;
  }
}

function renderCommand(): Command {
  return new Command('render')
    .description('Write the Kubernetes manifests of one run: namespace, Postgres, the migrate+seed Job, every service twice, the runner Job')
    // required, checked in the action: commander would report a missing one before an unknown flag
    .option('--run-id <id>', 'required: names the namespace contract-harness-<id> (lower-case letters, digits, -)')
    .option('--expires-at <time>', 'required: ISO 8601 time after which the namespace may be deleted, e.g. 2026-12-04T20:30:00Z (a label)')
    .option('--image <ref>', "required: the project's image: services, migrations, seed, specs and tests, with node_modules")
    .option('--service-image <name=ref>', 'the image of one service, when it is not the project image (repeatable)', collectServiceImage, {})
    .option('--postgres-image <ref>', 'the Postgres image', DEFAULT_PARAMS.postgresImage)
    .option('--registry <prefix>', 'prefix for every image that names no registry (e.g. registry.example.com/mirror)')
    .option('--workdir <dir>', "the project's root inside the image (the harness config's folder)", DEFAULT_PARAMS.workdir)
    .option('--cli <command>', "the harness's command line inside the image", DEFAULT_PARAMS.cli.join(' '))
    .option('--service-port <port>', 'the port every service pod listens on ({port})', parsePositive, DEFAULT_PARAMS.servicePort)
    .option('--prepare-timeout <s>', 'deadline of the migrate+seed Job, seconds', parsePositive, DEFAULT_PARAMS.prepareTimeoutSeconds)
    .option('--runner-timeout <s>', 'deadline of the gate in the runner Job, seconds', parsePositive, DEFAULT_PARAMS.runnerTimeoutSeconds)
    .option('--out <dir>', 'write the files (00-namespace.yaml ... 40-runner.yaml, run.env) here; default: the YAML to stdout')
    .showHelpAfterError()
    .action((o: RenderOptions) => {
      process.exitCode = render(o);
    });
}

function prepareCommand(): Command {
  return new Command('prepare')
    .description("Inside the run: migrate the empty instances' database and migrate and seed the seeded one, as the config says")
    .addOption(new Option('--database-url <url>', 'required: admin URL of the Postgres server').env('DATABASE_URL'))
    .option('--connect-timeout <ms>', 'how long to wait for the server to accept connections', parsePositive, 60_000)
    .showHelpAfterError()
    .action(async (o: { databaseUrl?: string; connectTimeout: number }) => {
      if (!o.databaseUrl) {
        err('k8s prepare: --database-url: required (or DATABASE_URL)');
        process.exitCode = 2;
        return;
      }
      try {
        const dbs = await preparing().prepareRunDatabases({ config: loadConfig(), databaseUrl: o.databaseUrl, connectTimeoutMs: o.connectTimeout, onLine: err });
        err(`k8s prepare: ready: ${dbs.seeded} (seeded), ${dbs.empty} (empty)`);
        process.exitCode = 0;
      } catch (e) {
        err(`k8s prepare: ${e instanceof ConfigError ? 'configuration error: ' : ''}${(e as Error).message}`);
        process.exitCode = e instanceof ConfigError ? 2 : 1;
      }
    });
}

export function k8sCommand(): Command {
  return new Command('k8s').description('A Kubernetes namespace per run').addCommand(renderCommand()).addCommand(prepareCommand());
}

if (require.main === module) void runCommand(k8sCommand());
