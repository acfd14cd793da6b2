import { spawnSync } from 'node:child_process';
import type { Command } from 'commander';
import { buildProgram } from './cli';
import { cliCommand } from './package-paths';

/**
 * The command line as users run it (a child process): every verb answers --help with exit 0,
 * and its help lists each option its code defines, with the option's description; a bad flag
 * exits 2 naming it.
 */
function run(args: string[]) {
  const [cmd, ...rest] = cliCommand(args) as [string, ...string[]];
  return spawnSync(cmd, rest, { encoding: 'utf8', timeout: 60_000 });
}

const verbs: [string[], Command][] = [];
for (const c of buildProgram().commands) {
  if (c.commands.length === 0) verbs.push([[c.name()], c]);
  for (const sub of c.commands) verbs.push([[c.name(), sub.name()], sub]);
}

test('the verbs are the ones the issue names', () => {
  expect(verbs.map(([path]) => path.join(' '))).toEqual(['init', 'generate', 'sandbox', 'gate', 'coverage diff', 'k8s render', 'k8s prepare']);
});

// normalise commander's wrapping: help is compared as one line of words
const flat = (text: string) => text.replace(/\s+/g, ' ');

test.each(verbs.map(([path, c]) => [path.join(' '), path, c] as const))('%s --help shows every option of its code', (_name, path, command) => {
  const res = run([...path, '--help']);
  expect(res.status).toBe(0);
  const help = flat(res.stdout);
  expect(help).toContain(`Usage: contract-harness ${path.join(' ')}`);
  expect(help).toContain(flat(command.description()));
  for (const option of command.options) {
    if (option.hidden) {
      expect(help).not.toContain(option.long);
      continue;
    }
    expect(help).toContain(option.flags);
    expect(help).toContain(flat(option.description));
  }
}, 60_000);

test.each(verbs.map(([path]) => [path.join(' '), path] as const))('%s with an unknown flag exits 2 naming it', (_name, path) => {
  // init checks its required --spec first
  const res = run([...path, ...(path[0] === 'init' ? ['--spec', 'x.yaml'] : []), '--no-such-flag']);
  expect(res.status).toBe(2);
  expect(res.stderr).toContain("unknown option '--no-such-flag'");
}, 60_000);

test('the program prints its version and lists every verb', () => {
  const version = run(['--version']);
  expect(version.status).toBe(0);
  expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  const help = run(['--help']);
  for (const name of ['init', 'generate', 'sandbox', 'gate', 'coverage', 'k8s']) expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
}, 60_000);

test("the CLI's start loads none of the heavy modules a verb needs only when it runs", () => {
  // a no-change `generate` is decided before anything heavy loads (issue 13): a verb that imports
  // TypeScript or kubernetes-models at the top puts them in front of every command
  const script = `require(${JSON.stringify(require.resolve('./cli'))}); process.stdout.write(JSON.stringify(Object.keys(require.cache)))`;
  const res = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' });
  expect(res.status).toBe(0);
  const loaded = (JSON.parse(res.stdout) as string[]).map((f) => /node_modules\/((@[^/]+\/)?[^/]+)/.exec(f)?.[1]).filter(Boolean);
  for (const heavy of ['typescript', 'kubernetes-models', 'openapi-typescript', 'ajv', '@redocly/openapi-core', 'handlebars']) expect(loaded).not.toContain(heavy);
});
