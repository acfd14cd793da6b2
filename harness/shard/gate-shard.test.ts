import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { childEnv, runHarnessScript } from '../test/run-script';

/**
 * gate --shard on gate.test.ts's small set-up (one suite file against a service started by hand,
 * sandbox: false): with two shards one draws the file and one draws nothing; each writes a
 * fragment and no reports; merged, they say what the unsharded gate says of that suite
 * (gate.test.ts: 2 passed, 1 failed, 1 skipped, statuses 2/4), and fail as it fails.
 */

const REPO = resolve(__dirname, '..', '..');
let server: Server;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.statusCode = req.url === '/things' ? 200 : 404;
    res.end(req.url === '/things' ? '[]' : '{"detail":"not found"}');
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = mkdtempSync(join(tmpdir(), 'harness-gate-shard-'));
  mkdirSync(join(dir, 'gen', 'ext'), { recursive: true });
  copyFileSync(join(REPO, 'harness', 'jest', 'fixtures', 'external-suite.ts'), join(dir, 'gen', 'ext', 'ext.test.ts'));
  writeFileSync(join(dir, 'gen', 'ext', 'manifest.json'), JSON.stringify({
    service: 'ext',
    operations: [
      { operationId: 'listThings', method: 'GET', path: '/things', statuses: ['200', '422'], cases: [] },
      { operationId: 'getThing', method: 'GET', path: '/things/{id}', statuses: ['200', '404'], cases: [] },
    ],
  }));
  writeFileSync(join(dir, 'ext.yaml'), 'openapi: 3.1.0\n');
  writeFileSync(join(dir, 'h.json'), JSON.stringify({ outDir: 'gen', reportsDir: 'rep', sandbox: false, services: [{ name: 'ext', spec: 'ext.yaml', baseUrl }] }));
  env = childEnv({ HARNESS_CONFIG: join(dir, 'h.json'), EXT_BASE_URL: baseUrl });
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

const runCli = (args: string[]) => runHarnessScript('cli.ts', args, env);

test('two shards of one file: each writes a fragment and no reports, an empty shard passes, the merge says what one run says', async () => {
  const one = await runCli(['gate', '--no-generate', '--shard', '1/2']);
  expect({ code: one.code, stdout: one.stdout }).toEqual({ code: 1, stdout: expect.stringMatching(/^gate FAILED: shard 1\/2 · tests 2 passed, 1 failed, 1 skipped · fragment \S+shard-1-of-2 · wall \d+\.\d\d s\n$/) });
  const two = await runCli(['gate', '--no-generate', '--shard', '2/2']);
  expect({ code: two.code, stdout: two.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^gate passed: shard 2\/2 · tests 0 passed, 0 failed, 0 skipped · fragment /) });

  const rep = join(dir, 'rep');
  expect(readdirSync(rep).filter((n) => !n.startsWith('.')).sort()).toEqual(['fragments']);
  const fragment = join(rep, 'fragments', 'shard-1-of-2');
  expect(readdirSync(fragment).sort()).toEqual(['calls', 'fragment.json', 'junit.xml', 'manifests']);
  expect(readdirSync(join(fragment, 'manifests'))).toEqual(['ext.json']);
  expect(readdirSync(join(fragment, 'calls')).some((n) => /^calls-\d+\.jsonl$/.test(n))).toBe(true);

  const merged = join(dir, 'merged');
  const merge = await runCli(['merge', fragment, join(rep, 'fragments', 'shard-2-of-2'), '--out', merged]);
  expect({ code: merge.code, stdout: merge.stdout }).toEqual({ code: 1, stdout: 'merge FAILED: 2 shards · tests 2 passed, 1 failed, 1 skipped · operations covered 2/2 · statuses covered 2/4\n' });
  expect(merge.stderr).toContain('[merge] shard 1/2 failed (1 tests failed)');
  for (const f of ['coverage.json', 'coverage.md', 'coverage.html', 'junit.xml', 'latency.json', 'latency.md', 'test-summary.json']) expect(existsSync(join(merged, f))).toBe(true);
}, 120_000);
