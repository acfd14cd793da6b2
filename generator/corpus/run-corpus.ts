/**
 * `npm run corpus [-- --quick] [-- --concurrency N] [-- --no-write]`: runs the generator CLI over
 * real-world OpenAPI documents it has never seen and classifies each outcome.
 *
 * Corpus: every document of `@readme/oas-examples` (Swagger 2.0, OpenAPI 3.0, 3.1; JSON, plus the
 * YAML files without a JSON twin) and large specs shipped in npm packages (`@octokit/openapi`, a
 * dev dependency; `@directus/specs` and `@blockfrost/openapi` when installed in the cache). Packages
 * that are not project dependencies are installed once into `.tmp/corpus` (gitignored):
 *   npm install --prefix .tmp/corpus @readme/oas-examples @directus/specs @blockfrost/openapi @octokit/openapi@23.0.2
 *
 * Per document: a temporary `harness.config.json` (`sandbox: false`, a dummy baseUrl) in its own
 * folder under `.tmp/corpus/run/`, the generator CLI as a child process with a time limit, then one
 * `tsc --noEmit` over every output at once. Outcomes:
 *   generated+typechecked | type-errors | refused (exit 2, reason classified) | crashed (any other
 *   exit, a stack trace, a timeout).
 * Prints a table by version and (unless --quick or --no-write) writes `docs/corpus.md`.
 * Exit code: 1 when anything crashed or failed to type-check, else 0.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..');
const CACHE = join(ROOT, '.tmp', 'corpus');
/** The corpus: example documents and large real specs, all from the npm registry. */
const CORPUS_PACKAGES = ['@readme/oas-examples', '@directus/specs', '@blockfrost/openapi', '@octokit/openapi@23.0.2'];
const RUN_DIR = join(CACHE, 'run');
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

export type Outcome = 'typechecked' | 'type-errors' | 'refused' | 'crashed';

export interface CorpusDoc {
  /** Short unique name, used for the service name and the folder. */
  id: string;
  /** Where it came from, e.g. `@readme/oas-examples 3.0/json/petstore.json`. */
  source: string;
  file: string;
  version: string;
}

export interface CorpusResult extends CorpusDoc {
  outcome: Outcome;
  /** Classified refusal reason, crash summary, or the first type error. */
  detail: string;
  exitCode: number | null;
  ms: number;
  operations?: number;
}

/** The version family of a document: `2.0`, `3.0`, `3.1`, or what the file says. */
export function versionOf(file: string): string {
  const text = readFileSync(file, 'utf8').slice(0, 4096);
  const m = /["']?(swagger|openapi)["']?\s*:\s*["']?(\d+\.\d+)/.exec(text);
  return m ? m[2]! : 'unknown';
}

/** A refusal message (`error: file#pointer: reason`) reduced to a reason class. */
export function classifyRefusal(stderr: string): string {
  const line = stderr.split('\n').find((l) => l.startsWith('error: ')) ?? '';
  const reason = line.replace(/^error: \S*?#\S*?: /, '').replace(/^error: /, '');
  const rules: Array<[RegExp, string]> = [
    [/unsupported version|missing "openapi" version/, 'unsupported version'],
    [/refused: only relative file refs|never URLs/, 'external ref (URL)'],
    [/leaves the spec's folder|absolute paths/, 'ref outside the spec folder'],
    [/\$ref target file not found|points at nothing|malformed JSON pointer/, 'unresolvable ref'],
    [/alias|budget|over the .*-byte limit|deeper than|depth/, 'size/nesting budget'],
    [/Swagger 2\.0 document could not be converted/, 'Swagger 2.0 conversion failed'],
    [/openapi-typescript cannot type/, 'openapi-typescript refused'],
    [/YAML|duplicate key|tag/i, 'invalid YAML'],
    [/config/i, 'config'],
  ];
  for (const [re, cls] of rules) if (re.test(reason)) return `${cls}: ${reason}`;
  return `invalid document: ${reason || stderr.trim().split('\n')[0] || '(no message)'}`;
}

function oasExamplesDir(): string | undefined {
  const dir = join(CACHE, 'node_modules', '@readme', 'oas-examples');
  return existsSync(dir) ? dir : undefined;
}

/** Every document of the corpus, in a fixed order. */
export function listCorpus(): CorpusDoc[] {
  const docs: CorpusDoc[] = [];
  const oas = oasExamplesDir();
  if (oas) {
    for (const v of ['2.0', '3.0', '3.1']) {
      const jsonDir = join(oas, v, 'json');
      const yamlDir = join(oas, v, 'yaml');
      const json = existsSync(jsonDir) ? readdirSync(jsonDir).filter((f) => f.endsWith('.json')).sort() : [];
      const stems = new Set(json.map((f) => f.replace(/\.json$/, '')));
      const yaml = existsSync(yamlDir) ? readdirSync(yamlDir).filter((f) => /\.ya?ml$/.test(f)).sort() : [];
      for (const f of json) docs.push({ id: `oas${v.replace('.', '')}-${f.replace(/\.json$/, '')}`, source: `@readme/oas-examples ${v}/json/${f}`, file: join(jsonDir, f), version: v });
      // sub-folders (3.0/json/openapi-workshop/) hold more small documents
      const subs = existsSync(jsonDir) ? readdirSync(jsonDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];
      for (const sub of subs) {
        for (const f of readdirSync(join(jsonDir, sub)).filter((x) => x.endsWith('.json')).sort()) {
          docs.push({ id: `oas${v.replace('.', '')}-${sub}-${f.replace(/\.json$/, '')}`, source: `@readme/oas-examples ${v}/json/${sub}/${f}`, file: join(jsonDir, sub, f), version: 'unknown' });
        }
      }
      for (const f of yaml) {
        const stem = f.replace(/\.ya?ml$/, '');
        if (stems.has(stem)) continue; // the same document as its JSON twin
        docs.push({ id: `oas${v.replace('.', '')}-${stem}-yaml`, source: `@readme/oas-examples ${v}/yaml/${f}`, file: join(yamlDir, f), version: v });
      }
    }
  }
  const large: Array<[string, string, string]> = [
    ['github', '@octokit/openapi', join(CACHE, 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.json')],
    ['directus', '@directus/specs', join(CACHE, 'node_modules', '@directus', 'specs', 'dist', 'openapi.json')],
    ['blockfrost', '@blockfrost/openapi', join(CACHE, 'node_modules', '@blockfrost', 'openapi', 'openapi.yaml')],
  ];
  for (const [id, pkg, file] of large) {
    if (!existsSync(file)) continue;
    docs.push({ id, source: `${pkg} ${relative(join(file, '..', '..'), file)}`, file, version: versionOf(file) });
  }
  return docs.map((d) => ({ ...d, version: d.version === 'unknown' ? versionOf(d.file) : d.version, id: d.id.toLowerCase().replace(/[^a-z0-9-]+/g, '-') }));
}

/** The fixed subset of `--quick`: small documents across the three versions. */
export const QUICK = ['oas20-petstore', 'oas20-petstore-simple', 'oas30-petstore', 'oas30-callbacks', 'oas30-circular', 'oas30-discriminators', 'oas31-petstore', 'oas31-webhooks'];

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<ChildResult> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (b: Buffer) => (stdout = (stdout + b.toString()).slice(-200_000)));
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-200_000)));
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout, stderr, timedOut, ms: performance.now() - started });
    });
  });
}

async function generateOne(doc: CorpusDoc, timeoutMs: number): Promise<CorpusResult> {
  const dir = join(RUN_DIR, doc.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const config = {
    outDir: 'out',
    reportsDir: 'reports',
    sandbox: false,
    services: [{ name: doc.id, spec: relative(dir, doc.file), baseUrl: 'http://127.0.0.1:9' }],
  };
  writeFileSync(join(dir, 'harness.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  const r = await runChild(TSX, ['generator/cli.ts'], { ...process.env, HARNESS_CONFIG: join(dir, 'harness.config.json') }, timeoutMs);
  writeFileSync(join(dir, 'generate.log'), `exit ${r.code} signal ${r.signal} timedOut ${r.timedOut}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
  const base = { ...doc, exitCode: r.code, ms: r.ms };
  const ops = /: (\d+) operations?,/.exec(r.stdout);
  const operations = ops ? Number(ops[1]) : undefined;
  const stack = /\n\s+at .+\(.+:\d+:\d+\)/.test(r.stderr);
  if (r.timedOut) return { ...base, outcome: 'crashed', detail: `timeout after ${Math.round(timeoutMs / 1000)} s` };
  if (r.code === 2 && !stack) return { ...base, outcome: 'refused', detail: classifyRefusal(r.stderr) };
  if (r.code !== 0 || stack) {
    const first = r.stderr.split('\n').find((l) => /crashed|Error|error/.test(l)) ?? r.stderr.split('\n')[0] ?? '';
    return { ...base, outcome: 'crashed', detail: `exit ${r.code ?? r.signal}: ${first.trim().slice(0, 300)}` };
  }
  return { ...base, outcome: 'typechecked', detail: '', ...(operations !== undefined ? { operations } : {}) };
}

/** One tsc run over the outputs of every generated document; errors attributed by folder. */
async function typecheck(results: CorpusResult[]): Promise<void> {
  const ok = results.filter((r) => r.outcome === 'typechecked');
  if (ok.length === 0) return;
  const tsconfig = {
    extends: relative(RUN_DIR, join(ROOT, 'tsconfig.json')),
    compilerOptions: { noEmit: true, types: ['node', 'jest'], typeRoots: [relative(RUN_DIR, join(ROOT, 'node_modules', '@types'))] },
    include: ok.map((r) => `${r.id}/out/**/*.ts`),
    exclude: [],
  };
  writeFileSync(join(RUN_DIR, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  const r = await runChild(process.execPath, [TSC, '--noEmit', '--pretty', 'false', '-p', join(RUN_DIR, 'tsconfig.json')], process.env, 1_200_000);
  writeFileSync(join(RUN_DIR, 'tsc.log'), r.stdout + r.stderr);
  const byId = new Map<string, string[]>();
  for (const line of (r.stdout + r.stderr).split('\n')) {
    const m = /^(?:\.tmp\/corpus\/run\/)?([^/(]+)\/out\/.*\(\d+,\d+\): error/.exec(relative(ROOT, resolve(ROOT, line.startsWith('/') ? line : join(RUN_DIR, line))));
    const id = m?.[1] ?? /run\/([^/]+)\/out\//.exec(line)?.[1];
    if (!id || !/error TS\d+/.test(line)) continue;
    byId.set(id, [...(byId.get(id) ?? []), line]);
  }
  if (r.code !== 0 && byId.size === 0) {
    for (const res of ok) {
      res.outcome = 'type-errors';
      res.detail = `tsc exit ${r.code}: ${(r.stdout + r.stderr).trim().split('\n')[0]?.slice(0, 200) ?? ''}`;
    }
    return;
  }
  for (const res of ok) {
    const errs = byId.get(res.id);
    if (!errs) continue;
    res.outcome = 'type-errors';
    const first = errs[0]!.replace(/^.*?\/out\//, '');
    res.detail = `${errs.length} error(s); first: ${first.slice(0, 240)}`;
  }
}

async function pool<T, R>(items: T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

const OUTCOMES: Outcome[] = ['typechecked', 'type-errors', 'refused', 'crashed'];

export function summaryTable(results: CorpusResult[]): string {
  const versions = [...new Set(results.map((r) => r.version))].sort();
  const head = '| version | documents | generated + type-checked | generated, type errors | refused (exit 2) | crashed |';
  const rows = [head, '|---|---:|---:|---:|---:|---:|'];
  const row = (label: string, rs: CorpusResult[]) => {
    const c = (o: Outcome) => rs.filter((r) => r.outcome === o).length;
    const pct = rs.length ? ` (${Math.round((100 * c('typechecked')) / rs.length)}%)` : '';
    rows.push(`| ${label} | ${rs.length} | ${c('typechecked')}${pct} | ${c('type-errors')} | ${c('refused')} | ${c('crashed')} |`);
  };
  for (const v of versions) row(v, results.filter((r) => r.version === v));
  row('**all**', results);
  return rows.join('\n');
}

function detailTable(results: CorpusResult[]): string {
  const rows = ['| document | version | outcome | operations | time | detail |', '|---|---|---|---:|---:|---|'];
  for (const r of results) {
    const detail = r.detail.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
    rows.push(`| ${r.source} | ${r.version} | ${r.outcome} | ${r.operations ?? ''} | ${(r.ms / 1000).toFixed(1)} s | ${detail} |`);
  }
  return rows.join('\n');
}

/** Everything from this heading on in docs/corpus.md is written by hand and kept by a re-run. */
const FINDINGS_HEADING = '## Findings (by hand';

function writeDoc(results: CorpusResult[], totalMs: number): void {
  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const text = `# Corpus: the generator on specs it has never seen

Run by \`npm run corpus\` (\`generator/corpus/run-corpus.ts\`) on ${date}, ${results.length} documents,
${(totalMs / 1000).toFixed(0)} s. Each document gets its own \`harness.config.json\` (\`sandbox: false\`, a
dummy baseUrl), the generator CLI runs as a child process with a time limit, and one \`tsc --noEmit\`
then type-checks every output at once. **refused** = exit 2 with the file, JSON pointer and a reason
(classified below); **crashed** = any other exit code, a stack trace, or the time limit.

Sources: every document of [\`@readme/oas-examples\`](https://www.npmjs.com/package/@readme/oas-examples)
(MIT; JSON files, plus the YAML files that have no JSON twin: the other YAML files are the same
documents), and large real specs shipped in npm packages: GitHub's REST API (\`@octokit/openapi\`),
and \`@directus/specs\`, \`@blockfrost/openapi\` when installed in the cache. Install the cache with

\`\`\`sh
npm install --prefix .tmp/corpus @readme/oas-examples @directus/specs @blockfrost/openapi @octokit/openapi@23.0.2
npm run corpus            # everything (minutes); \`npm run corpus -- --quick\` a fixed subset of ${QUICK.length}
\`\`\`

A fixed handful of these documents (copied into \`generator/test/corpus-fixtures/\`) runs in \`npm test\`
(\`generator/test/corpus.test.ts\`). Logs of each run: \`.tmp/corpus/run/<id>/generate.log\`, \`.tmp/corpus/run/tsc.log\`.

## Summary by version

${summaryTable(results)}

## Every document

${detailTable(results)}
`;
  // the hand-written findings section (from its heading to the end) survives a re-run
  const file = join(ROOT, 'docs', 'corpus.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = previous.indexOf(FINDINGS_HEADING);
  writeFileSync(file, at >= 0 ? `${text}\n${previous.slice(at)}` : text);
}

async function main(argv: string[]): Promise<number> {
  const quick = argv.includes('--quick');
  const noWrite = argv.includes('--no-write') || quick;
  const ci = argv.indexOf('--concurrency');
  const concurrency = ci >= 0 ? Math.max(1, Number(argv[ci + 1]) || 2) : 2;
  if (!oasExamplesDir()) {
    // The corpus is data, not a dependency of the project: it lives in its own cache folder.
    process.stderr.write(`corpus: installing ${CORPUS_PACKAGES.join(' ')} into ${relative(ROOT, CACHE)} ...\n`);
    try {
      execFileSync('npm', ['install', '--prefix', CACHE, '--no-audit', '--no-fund', '--no-save', ...CORPUS_PACKAGES], { stdio: ['ignore', 'inherit', 'inherit'] });
    } catch (err) {
      process.stderr.write(`corpus: npm install failed (${(err as Error).message}); install by hand:\n  npm install --prefix .tmp/corpus ${CORPUS_PACKAGES.join(' ')}\n`);
      return 2;
    }
  }
  let docs = listCorpus();
  if (quick) docs = docs.filter((d) => QUICK.includes(d.id));
  mkdirSync(RUN_DIR, { recursive: true });
  for (const entry of readdirSync(RUN_DIR)) rmSync(join(RUN_DIR, entry), { recursive: true, force: true });
  const started = performance.now();
  process.stdout.write(`corpus: ${docs.length} document(s), ${concurrency} at a time\n`);
  const results = await pool(docs, concurrency, async (doc) => {
    const big = statSize(doc.file) > 1_000_000;
    const res = await generateOne(doc, big ? 600_000 : 120_000);
    process.stdout.write(`  ${res.outcome.padEnd(11)} ${(res.ms / 1000).toFixed(1).padStart(6)} s  ${doc.source}${res.outcome === 'typechecked' ? '' : `  ${res.detail.slice(0, 160)}`}\n`);
    return res;
  });
  process.stdout.write('type-checking every output at once...\n');
  await typecheck(results);
  const totalMs = performance.now() - started;
  for (const r of results) if (r.outcome === 'type-errors') process.stdout.write(`  type-errors ${r.source}: ${r.detail}\n`);
  process.stdout.write(`\n${summaryTable(results)}\n`);
  if (!noWrite) {
    writeDoc(results, totalMs);
    process.stdout.write(`wrote docs/corpus.md (${(totalMs / 1000).toFixed(0)} s)\n`);
  }
  writeFileSync(join(RUN_DIR, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  return results.some((r) => r.outcome === 'crashed' || r.outcome === 'type-errors') ? 1 : 0;
}

function statSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`corpus crashed: ${(err as Error).stack ?? String(err)}\n`);
      process.exitCode = 3;
    },
  );
}
