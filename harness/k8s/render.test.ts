import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../config';
import { cliCommand, PACKAGE_ROOT } from '../package-paths';
import { podValue, podPlaceholders } from './pod-values';
import { renderRun } from './render-run';
import { DEFAULT_PARAMS, type RunParams } from './run-params';
import { formatProblem, validateManifests } from './validate-manifests';
import { runFiles } from './write-manifests';

/**
 * `k8s render` on the reference platform's config: the golden set, byte for byte; every
 * manifest valid against the Kubernetes definitions (schema and unknown fields); nothing of this
 * machine in them; bad input refused with exit 2 and nothing written.
 * UPDATE_GOLDENS=1 rewrites the golden files.
 */

const GOLDEN = join(__dirname, 'golden', 'reference-platform');
const REFERENCE_PARAMS: RunParams = {
  ...DEFAULT_PARAMS,
  cli: ['npx', 'tsx', 'harness/cli.ts'],
  runId: 'golden-1',
  expiresAt: '2026-12-04T22:00:00Z',
  image: 'contract-harness/reference-platform:0.1.0',
  serviceImages: {},
  registry: 'registry.example.com/ci',
};
const config = loadConfig(join(PACKAGE_ROOT, 'harness.config.ts'));
const render = (params: RunParams = REFERENCE_PARAMS) => runFiles(renderRun(config, params), params.runId);
type Json = Record<string, unknown>;
const manifestsOf = (files: [string, string][]): Json[] =>
  files.filter(([n]) => n.endsWith('.yaml')).flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJSON() as Json));

test('the reference platform renders the golden set, byte for byte, and the same bytes twice', () => {
  const files = render();
  expect(render()).toEqual(files);
  if (process.env.UPDATE_GOLDENS) {
    rmSync(GOLDEN, { recursive: true, force: true });
    mkdirSync(GOLDEN, { recursive: true });
    for (const [name, text] of files) writeFileSync(join(GOLDEN, name), text);
  }
  // no orphan: the golden folder holds exactly the rendered files
  expect(readdirSync(GOLDEN).sort()).toEqual(files.map(([n]) => n).sort());
  for (const [name, text] of files) expect([name, text]).toEqual([name, readFileSync(join(GOLDEN, name), 'utf8')]);
});

test('the set is one run: a namespace with run id and expiry, Postgres on an emptyDir, prepare, each service seeded and empty with a readiness probe, the runner', () => {
  const ms = manifestsOf(render());
  const names = ms.map((m) => `${String(m.kind)}/${String((m.metadata as Json).name)}`);
  expect(names).toEqual([
    'Namespace/contract-harness-golden-1',
    'Deployment/harness-postgres',
    'Service/harness-postgres',
    'Job/harness-prepare',
    ...['query', 'registry', 'risk', 'trading'].flatMap((s) => [`Deployment/${s}-seeded`, `Service/${s}-seeded`, `Deployment/${s}-empty`, `Service/${s}-empty`]),
    'ConfigMap/harness-runner',
    'Job/harness-runner',
  ]);
  const ns = ms[0]!.metadata as Json;
  expect(ns.labels).toMatchObject({ 'contract-harness/run-id': 'golden-1', 'contract-harness/expires-at': String(Date.parse('2026-12-04T22:00:00Z') / 1000) });
  const text = JSON.stringify(ms);
  expect(text).not.toMatch(/persistentVolumeClaim|PersistentVolume/);
  for (const m of ms.slice(1)) expect((m.metadata as Json).namespace).toBe('contract-harness-golden-1');
  const deployment = ms.find((m) => (m.metadata as Json).name === 'risk-empty') as { spec: { template: { spec: { containers: Json[] } } } };
  const container = deployment.spec.template.spec.containers[0]!;
  expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/health', port: 'http' } });
  expect(container.env).toContainEqual({ name: 'DATABASE_URL', value: 'postgres://harness:harness@harness-postgres:5432/harness_migrated' });
  expect(container.env).toContainEqual({ name: 'HOST', value: '0.0.0.0' });
  expect(container.image).toBe('registry.example.com/ci/contract-harness/reference-platform:0.1.0');
  const runnerConfig = JSON.parse(String((ms.find((m) => m.kind === 'ConfigMap')!.data as Json)['harness.k8s.json']));
  expect(runnerConfig.sandbox).toBe(false);
  expect(runnerConfig.services[2]).toEqual({ name: 'risk', spec: 'openapi/risk.yaml', baseUrl: 'http://risk-seeded:8080', emptyBaseUrl: 'http://risk-empty:8080' });
});

test('nothing of this machine is in the manifests: no path of the project, home, temp folder or host name, no loopback address', () => {
  const text = render().map(([, t]) => t).join('\n');
  // a host name of a few letters could be any word
  for (const local of [PACKAGE_ROOT, homedir(), tmpdir(), ...(hostname().length > 3 ? [hostname()] : [])]) expect(text).not.toContain(local);
  // the one loopback: Postgres's probe of itself over TCP (its image's init server listens on the socket only)
  expect(text.match(/.*127\.0\.0\.1.*/g)?.map((l) => l.trim())).toEqual(['- 127.0.0.1']);
  expect(text).toMatch(/- pg_isready\n(.*\n){5}.*- 127\.0\.0\.1/);
});

test('every rendered manifest is valid against the Kubernetes definitions', () => {
  const problems = validateManifests(manifestsOf(render()));
  expect(problems.map(formatProblem)).toEqual([]);
});

describe('what the validation refuses (so that the test above can fail)', () => {
  const deployment = () => structuredClone(manifestsOf(render()).find((m) => (m.metadata as Json).name === 'query-seeded')!) as Json;
  const container = (d: Json) => ((d.spec as Json).template as { spec: { containers: Json[] } }).spec.containers[0]!;

  test.each([
    ['a misspelt container field', (d: Json) => (container(d).imagee = 'x'), '/spec/template/spec/containers/0/imagee'],
    ['an unknown top-level field', (d: Json) => (d.spek = {}), '/spek'],
    ['an unknown metadata field', (d: Json) => ((d.metadata as Json).labelz = {}), '/metadata/labelz'],
    ['a probe field of another kind of probe', (d: Json) => ((container(d).readinessProbe as Json).httpGet = { path: '/health', port: 'http', timeout: 2 }), '/spec/template/spec/containers/0/readinessProbe/httpGet/timeout'],
  ])('%s is an unknown field at its pointer', (_name, mutate, pointer) => {
    const d = deployment();
    mutate(d);
    const problems = validateManifests([d]);
    expect(problems).toEqual([expect.objectContaining({ manifest: 'Deployment/query-seeded', check: 'fields', pointer })]);
    expect(problems[0]!.message).toMatch(/does not exist in type/);
  });

  test('a wrong type is an error of both checks at its pointer', () => {
    const d = deployment();
    (d.spec as Json).replicas = 'one';
    const problems = validateManifests([d]);
    expect(problems).toContainEqual(expect.objectContaining({ check: 'schema', pointer: '/spec/replicas', message: 'must be integer' }));
    expect(problems).toContainEqual(expect.objectContaining({ check: 'types', pointer: '/spec/replicas' }));
  });
});

describe('config values in a pod', () => {
  const values = podPlaceholders('seeded', 8080);
  test.each([
    ['a placeholder', '{databaseUrl}', 'postgres://harness:harness@harness-postgres:5432/harness_seeded'],
    ['${ENV} as a Kubernetes variable reference', 'Bearer ${API_TOKEN}', 'Bearer $(API_TOKEN)'],
    ['a literal $ escaped, so Kubernetes expands nothing of it', 'echo $(whoami) $$', 'echo $$(whoami) $$$$'],
    ['{host} as every address of the pod', '{host}:{port}', '0.0.0.0:8080'],
  ])('%s', (_name, text, want) => expect(podValue(config, '/x', text, values)).toBe(want));

  test('a loopback address is a config error at its pointer: nothing outside the container reaches it', () => {
    expect(() => podValue(config, '/services/0/start/env/HOST', '127.0.0.1', values)).toThrow(/harness\.config\.ts#\/services\/0\/start\/env\/HOST: .*loopback.*\{host\}/);
  });
});

describe('the command line', () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const [cmd, ...rest] = cliCommand(['k8s', 'render', ...args]) as [string, ...string[]];
    return spawnSync(cmd, rest, { cwd: PACKAGE_ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  };
  const flags = ['--run-id', 'golden-1', '--expires-at', '2026-12-04T23:00:00+01:00', '--image', 'contract-harness/reference-platform:0.1.0', '--registry', 'registry.example.com/ci', '--cli', 'npx tsx harness/cli.ts'];
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'k8s-render-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('--out writes the golden files', () => {
    const res = run([...flags, '--out', join(dir, 'run')]);
    expect(res.stderr).toContain('namespace contract-harness-golden-1');
    expect(res.status).toBe(0);
    for (const name of readdirSync(GOLDEN)) expect([name, readFileSync(join(dir, 'run', name), 'utf8')]).toEqual([name, readFileSync(join(GOLDEN, name), 'utf8')]);
  }, 60_000);

  test('a bad run id and a loopback address in the config exit 2 naming the flag or the pointer, and write nothing', () => {
    const badId = run([...flags, '--run-id', 'Run_1', '--out', join(dir, 'a')]);
    expect(badId.status).toBe(2);
    expect(badId.stderr).toContain('--run-id: "Run_1" is not a namespace-name part');
    expect(existsSync(join(dir, 'a'))).toBe(false);
    const file = join(dir, 'harness.config.json');
    writeFileSync(file, JSON.stringify({
      sandbox: {},
      services: [{ name: 'notes', spec: 'notes.yaml', start: { command: ['node', 'main.js'], env: { HOST: '127.0.0.1', PORT: '{port}' } } }],
    }));
    const loopback = run([...flags, '--out', join(dir, 'b')], { HARNESS_CONFIG: file });
    expect(loopback.status).toBe(2);
    expect(loopback.stderr).toContain(`configuration error: ${file}#/services/0/start/env/HOST: "127.0.0.1" names a loopback address`);
    expect(existsSync(join(dir, 'b'))).toBe(false);
  }, 60_000);
});
