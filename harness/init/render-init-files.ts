import { toIdentifier } from '../../generator/emit/escape';
import type { SpecSummary } from './read-spec-summary';

/**
 * The files `contract-harness init` writes, as text: harness.config.ts in the sandbox keys of
 * harness/config-types.ts (commented, so that a newcomer sees every choice), jest.config.cjs over
 * `contract-harness/jest`, and an example hand-written test over the typed client.
 */
export interface InitChoices {
  /** The spec as the config names it: relative to the project root, posix slashes. */
  spec: string;
  summary: SpecSummary;
  /** The service's start command as an argv; without it the config points at a running service. */
  start?: string[];
  health?: string;
  migrations?: string;
  seed?: string;
}

const q = (s: string): string => JSON.stringify(s);

/** `node service/main.js` -> ['node', 'service/main.js']; quotes group words, nothing else is interpreted. */
export function splitCommand(command: string): string[] {
  return [...command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

const PLACEHOLDERS = '{port} {host} {databaseUrl} {db.host} {db.port} {db.name} {db.user} {db.password} {phase} {poolMax} {baseUrl.<service>}';

function sandboxBlock(c: InitChoices): string[] {
  const line = (key: string, value: string | undefined, example: string): string => (value ? `    ${key}: ${q(value)},` : `    // ${key}: ${q(example)},`);
  return [
    '  // The sandbox: an embedded Postgres (or the server of DATABASE_URL), your migrations and seed,',
    '  // then each service twice, over the seeded and over an empty database, on free ports.',
    '  sandbox: {',
    '    // a folder of .sql files applied in name order, or { command: "npm run migrate" }',
    line('migrations', c.migrations, 'db/migrations'),
    '    // a .sql file, a .ts/.js module whose default export is async (client: pg.Client) => void, or { command: "..." }',
    line('seed', c.seed, 'db/seed.sql'),
    '    readyTimeoutMs: 60000,',
    '  },',
  ];
}

function serviceBlock(c: InitChoices): string[] {
  const { name } = c.summary;
  const head = ['    {', `      name: ${q(name)},`, `      spec: ${q(c.spec)},`];
  const health = c.health ?? c.summary.health;
  if (c.start) {
    return [
      ...head,
      '      // how the sandbox runs the service; placeholders in command and env:',
      `      // ${PLACEHOLDERS}`,
      '      start: {',
      `        command: [${c.start.map(q).join(', ')}],`,
      '        cwd: ".",',
      '        env: { DATABASE_URL: "{databaseUrl}", PORT: "{port}" },',
      health ? `        health: ${q(health)},` : '        // health: "/health", // a GET that answers 2xx once the service is ready',
      '      },',
      '    },',
    ];
  }
  return [
    ...head,
    '      // where the service runs now; to let the sandbox run it (and Postgres) instead, set',
    '      // "sandbox" above and replace baseUrl with (or run init again with --start "<command>"):',
    `      // start: { command: ["node", "server.js"], cwd: ".", env: { DATABASE_URL: "{databaseUrl}", PORT: "{port}" }${health ? `, health: ${q(health)}` : ''} },`,
    '      baseUrl: "http://127.0.0.1:8080",',
    '    },',
  ];
}

export function renderConfig(c: InitChoices, command: string): string {
  return [
    `// Written by \`${command}\`. Paths are relative to this file.`,
    "import type { HarnessConfig } from 'contract-harness';",
    '',
    'const config: HarnessConfig = {',
    '  // generated clients, manifests and baseline tests (commit them; `npm run generate` rewrites them)',
    '  outDir: "generated",',
    '  reportsDir: "reports",',
    ...(c.start ? sandboxBlock(c) : ['  // false: the services already run at their baseUrl; see the comment in services', '  sandbox: false,']),
    '  services: [',
    ...serviceBlock(c),
    '  ],',
    '};',
    '',
    'export default config;',
    '',
  ].join('\n');
}

export const JEST_CONFIG_FILE = 'jest.config.cjs';

export function renderJestConfig(): string {
  return [
    '// Written by `contract-harness init`: the harness\'s Jest project (ts-jest; a global setup that',
    '// brings up the sandbox and a teardown that stops it; the reporter that writes reports/).',
    "const { harnessJestConfig } = require('contract-harness/jest');",
    '',
    'module.exports = harnessJestConfig();',
    '',
  ].join('\n');
}

export function exampleTestFile(c: InitChoices): string {
  return `tests/${c.summary.name}.test.ts`;
}

export function renderExampleTest(c: InitChoices): string {
  const { name, exampleGet } = c.summary;
  const client = toIdentifier(name, 'camel');
  const body = exampleGet
    ? [
        `test(${q(`GET ${exampleGet} answers as ${c.spec} documents it`)}, async () => {`,
        '  // ok(): a documented 2xx whose body validates against the spec, else a readable error',
        '  // (status, each violation, a body excerpt, a curl line); it returns the typed body.',
        `  const body = ok(await ${client}.seeded.GET(${q(exampleGet)}));`,
        '  expect(body).not.toBeNull();',
        '});',
      ]
    : [`test.todo(${q(`call an operation of ${c.spec} with ${client}.seeded (it documents no GET without parameters to start from)`)});`];
  return [
    `// An example hand-written test, written by \`contract-harness init\`. The typed client knows every`,
    `// path, parameter and body of ${c.spec}; \`${client}.empty\` talks to the instance over an empty database.`,
    `// contract-harness/runtime also has fails(res, 404), pg (the sandbox's databases) and poll().`,
    "import { ok } from 'contract-harness/runtime';",
    `import { ${client} } from '../generated/${name}/client';`,
    '',
    ...body,
    '',
  ].join('\n');
}
