import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * infra/k8s/run.sh against a stand-in for kubectl (fixtures/fake-kubectl.sh): no cluster runs
 * here, so what is checked is the script's own logic on the golden manifests of
 * `k8s render`: the stages in order, each waited for, the runner's log streamed, the reports
 * copied, the gate's exit code passed on, the failed stage named (exit 3), and the namespace
 * deleted without waiting in every case. What a real cluster would say is not checked.
 */

const SCRIPT = join(__dirname, 'run.sh');
const FAKE = join(__dirname, 'fixtures', 'fake-kubectl.sh');
const RENDERED = join(__dirname, '..', '..', 'harness', 'k8s', 'golden', 'reference-platform');
const NS = 'contract-harness-golden-1';

let dir: string;
beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'k8s-run-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function runScript(args: string[], env: Record<string, string> = {}) {
  const log = join(dir, 'kubectl.log');
  writeFileSync(log, '');
  const res = spawnSync('bash', [SCRIPT, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, KUBECTL: FAKE, FAKE_KUBECTL_LOG: log, ...env },
  });
  const calls = readFileSync(log, 'utf8').split('\n').filter(Boolean).map((l) => l.replace(`--namespace ${NS} `, ''));
  return { ...res, calls };
}

const verbs = (calls: string[]) => calls.map((c) => c.split(' ').slice(0, 3).join(' '));

test('a passing run: the stages in order, the log streamed, the reports copied, exit 0, the namespace deleted without waiting', () => {
  const res = runScript([RENDERED, '--reports', 'out']);
  expect(res.stderr).toContain('[k8s] gate exited with code 0');
  expect(res.status).toBe(0);
  expect(res.stdout).toContain('gate passed: tests 3 passed');
  expect(verbs(res.calls)).toEqual([
    `apply -f ${RENDERED}/00-namespace.yaml`,
    `apply -f ${RENDERED}/10-postgres.yaml`,
    'rollout status deployment/harness-postgres',
    `apply -f ${RENDERED}/20-prepare.yaml`,
    'get job harness-prepare',
    'logs job/harness-prepare --tail=20',
    `apply -f ${RENDERED}/30-services.yaml`,
    'wait --for=condition=Available deployment',
    `apply -f ${RENDERED}/40-runner.yaml`,
    'get pods -l',
    'get pod harness-runner-x1',
    'logs -f harness-runner-x1',
    'get pod harness-runner-x1',
    'cp -c reports',
    'exec -c reports',
    `delete namespace ${NS}`,
  ]);
  expect(res.calls.at(-1)).toBe(`delete namespace ${NS} --wait=false --ignore-not-found`);
  expect(res.calls).toContain('wait --for=condition=Available deployment -l contract-harness/role=service --timeout=300s');
  expect(res.calls).toContain('cp -c reports harness-runner-x1:/reports/. out');
  expect(readFileSync(join(dir, 'out', 'coverage.json'), 'utf8')).toContain('"version":1');
});

test("a failing gate: its exit code, and the reports copied all the same", () => {
  const res = runScript([RENDERED], { FAKE_GATE_CODE: '1' });
  expect(res.status).toBe(1);
  expect(existsSync(join(dir, 'reports-golden-1', 'coverage.json'))).toBe(true);
  expect(res.calls.at(-1)).toMatch(`delete namespace ${NS} --wait=false`);
});

test.each([
  ['postgres', 'deployment/harness-postgres not available within 180 s', 'app.kubernetes.io/name=harness-postgres'],
  ['prepare', 'job/harness-prepare failed', 'job-name=harness-prepare'],
  ['services', 'not every service instance was ready within 300 s', 'contract-harness/role=service'],
  ['cp', 'kubectl cp of the reports', ''],
])('a failure at %s: exit 3 naming the stage, its pods shown, nothing applied after it, the namespace deleted', (stage, why, selector) => {
  const res = runScript([RENDERED], { FAKE_KUBECTL_FAIL: stage });
  expect(res.status).toBe(3);
  expect(res.stderr).toContain(`[k8s] FAILED at stage ${stage === 'cp' ? 'reports' : stage}: ${why}`);
  if (selector) expect(res.calls).toContain(`get pods -l ${selector} -o wide`);
  const applied = res.calls.filter((c) => c.startsWith('apply')).length;
  expect(applied).toBe({ postgres: 2, prepare: 3, services: 4, cp: 5 }[stage]);
  expect(res.calls.at(-1)).toBe(`delete namespace ${NS} --wait=false --ignore-not-found`);
});

test('--env-file becomes the Secret every pod reads; --keep leaves the namespace', () => {
  writeFileSync(join(dir, 'run.env.local'), 'API_TOKEN=t0ken\n');
  const res = runScript([RENDERED, '--env-file', 'run.env.local', '--keep']);
  expect(res.status).toBe(0);
  expect(res.calls[1]).toBe('create secret generic harness-env --from-env-file=run.env.local');
  expect(res.calls.some((c) => c.startsWith('delete'))).toBe(false);
  expect(res.stderr).toContain('teardown skipped (--keep)');
});

test.each([
  ['no folder', [], 'DIR is required'],
  ['a bad timeout', [RENDERED, '--prepare-timeout', 'soon'], '--prepare-timeout: "soon" is not a whole number of seconds'],
  ['an unknown flag', [RENDERED, '--no-such-flag'], 'unknown option --no-such-flag'],
  ['a folder without run.env', ['/nonexistent'], '/nonexistent/run.env not found'],
])('a usage error (%s) exits 2 before any kubectl call', (_name, args, message) => {
  const res = runScript(args as string[]);
  expect(res.status).toBe(2);
  expect(res.stderr).toContain(message);
  expect(res.calls).toEqual([]);
});

test("run.env's deadlines are the default waits: a run.env without them is refused before any kubectl call", () => {
  const rendered = join(dir, 'rendered');
  cpSync(RENDERED, rendered, { recursive: true });
  const runEnv = join(rendered, 'run.env');
  expect(readFileSync(runEnv, 'utf8')).toContain('PREPARE_DEADLINE_SECONDS=600\nRUNNER_DEADLINE_SECONDS=4200\n');
  writeFileSync(runEnv, readFileSync(runEnv, 'utf8').replace(/^PREPARE_DEADLINE_SECONDS=.*\n/m, ''));
  const res = runScript([rendered]);
  expect(res.status).toBe(2);
  expect(res.stderr).toContain('run.env PREPARE_DEADLINE_SECONDS: "" is not a whole number of seconds');
  expect(res.calls).toEqual([]);
  expect(runScript([rendered, '--prepare-timeout', '60']).status).toBe(0);
});

test('the script and the stand-in parse (bash -n)', () => {
  for (const file of [SCRIPT, FAKE]) expect(spawnSync('bash', ['-n', file], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
});

// shellcheck is a Debian package (`apt-get install shellcheck`), not an npm one: where it is not
// installed this one check cannot run, and says so in its name
const shellcheck = spawnSync('shellcheck', ['--version'], { encoding: 'utf8' }).status === 0;
(shellcheck ? test : test.skip)(`shellcheck finds nothing in the script${shellcheck ? '' : ' (skipped: shellcheck is not installed)'}`, () => {
  const res = spawnSync('shellcheck', [SCRIPT, FAKE], { encoding: 'utf8' });
  expect(res.stdout).toBe('');
  expect(res.status).toBe(0);
});
