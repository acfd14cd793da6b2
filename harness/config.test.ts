import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { databasePlaceholders, expandPlaceholders, serviceUrlPlaceholders } from './placeholders';

/** The config's sandbox keys: what is refused, where (file + JSON pointer), and what is resolved. */

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'harness-config-'));
  mkdirSync(join(dir, 'db', 'migrations'), { recursive: true });
  writeFileSync(join(dir, 'db', 'seed.sql'), 'SELECT 1;');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const start = { command: ['node', 'main.js'], env: { DATABASE_URL: '{databaseUrl}', PORT: '{port}' } };
const service = { name: 'orders', spec: 'orders.yaml', start };

function load(config: unknown): ReturnType<typeof loadConfig> {
  const file = join(dir, 'harness.config.json');
  writeFileSync(file, JSON.stringify(config));
  return loadConfig(file);
}

function refused(config: unknown): { pointer: string; message: string } {
  try {
    load(config);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return { pointer: (err as ConfigError).pointer, message: (err as ConfigError).message };
  }
  throw new Error('the config was accepted');
}

test.each([
  ['sandbox: true is gone, with what to write instead', { sandbox: true, services: [service] }, '/sandbox', /"sandbox": true is gone: .*"migrations".*"start"/],
  ['sandbox is required', { services: [service] }, '/sandbox', /required: false \(the services already run/],
  ['a sandboxed service needs start', { sandbox: {}, services: [{ name: 'orders', spec: 'orders.yaml' }] }, '/services/0/start', /required when the sandbox runs the services/],
  ['sandbox false needs baseUrl', { sandbox: false, services: [{ name: 'orders', spec: 'orders.yaml' }] }, '/services/0/baseUrl', /required when "sandbox" is false/],
  ['an unknown placeholder in start.env', { sandbox: {}, services: [{ ...service, start: { ...start, env: { PORT: '{prot}' } } }] }, '/services/0/start/env/PORT', /unknown placeholder \{prot\} \(known: \{port\} \{databaseUrl\}/],
  ['an unknown placeholder in start.command', { sandbox: {}, services: [{ ...service, start: { command: ['node', 'main.js', '--db={database}'] } }] }, '/services/0/start/command/2', /unknown placeholder \{database\}/],
  ['a {baseUrl.<service>} of a service not configured', { sandbox: {}, services: [{ ...service, start: { ...start, env: { RISK_URL: '{baseUrl.risk}' } } }] }, '/services/0/start/env/RISK_URL', /unknown placeholder \{baseUrl\.risk\} names no configured service \(orders\)/],
  ['a {baseUrl.<service>} in a migration command', { sandbox: { migrations: { command: 'migrate {baseUrl.orders}' } }, services: [service] }, '/sandbox/migrations/command', /unknown placeholder \{baseUrl\.orders\} names no configured service \(none here\)/],
  ['an unknown placeholder in a migration command', { sandbox: { migrations: { command: 'migrate --url {db.url}' } }, services: [service] }, '/sandbox/migrations/command', /unknown placeholder \{db\.url\}/],
  ['a migrations folder that is not there', { sandbox: { migrations: 'db/nope' }, services: [service] }, '/sandbox/migrations', /migrations folder not found: .*db\/nope/],
  ['a seed of another kind', { sandbox: { seed: 'db/migrations' }, services: [service] }, '/sandbox/seed', /a seed is a \.sql file, a \.ts\/\.js module or \{ "command": "\.\.\." \}/],
  ['a start cwd that is not there', { sandbox: {}, services: [{ ...service, start: { ...start, cwd: 'nowhere' } }] }, '/services/0/start/cwd', /no such folder: .*nowhere/],
  ['an unknown key in start', { sandbox: {}, services: [{ ...service, start: { ...start, healthz: '/h' } }] }, '/services/0/start', /must NOT have additional properties \(healthz\)/],
  ['empty-list skip without a reason', { sandbox: false, services: [{ name: 'o', spec: 'o.yaml', baseUrl: 'http://127.0.0.1:1', expect: { listRoles: { 'empty-list': 'skip' } } }] }, '/services/0/expect/listRoles', /must have property reason when property empty-list is present/],
  ['list filters without a reason', { sandbox: false, services: [{ name: 'o', spec: 'o.yaml', baseUrl: 'http://127.0.0.1:1', expect: { listThings: { filters: { q: 'search' } } } }] }, '/services/0/expect/listThings', /must have property reason when property filters is present/],
  ['a list filter override of another shape', { sandbox: false, services: [{ name: 'o', spec: 'o.yaml', baseUrl: 'http://127.0.0.1:1', expect: { listThings: { filters: { q: { property: 'name' } }, reason: 'r' } } }] }, '/services/0/expect/listThings/filters/q', /must/],
])('%s', (_, config, pointer, message) => {
  const err = refused(config);
  expect(err.pointer).toBe(pointer);
  expect(err.message).toMatch(message);
  expect(err.message.startsWith(`${join(dir, 'harness.config.json')}#${pointer}: `)).toBe(true);
});

test('the sandbox keys resolve: paths absolute, a command split on spaces, health and timeout defaulted', () => {
  const config = load({
    sandbox: { migrations: { command: 'npx prisma migrate deploy' }, seed: 'db/seed.sql' },
    services: [{ ...service, start: { command: 'node dist/main.js --port {port}' } }],
  });
  expect(config.sandbox).toEqual({
    migrations: { kind: 'command', argv: ['npx', 'prisma', 'migrate', 'deploy'], pointer: '/sandbox/migrations/command' },
    seed: { kind: 'sql-file', path: join(dir, 'db', 'seed.sql'), pointer: '/sandbox/seed' },
    readyTimeoutMs: 60_000,
  });
  expect(config.services[0]?.start).toEqual({ command: ['node', 'dist/main.js', '--port', '{port}'], cwd: dir, env: {}, health: '/health', pointer: '/services/0/start' });
});

test('a .ts seed is a module step; a folder of migrations is a sql-dir step', () => {
  writeFileSync(join(dir, 'seed.ts'), 'export default async () => {};');
  const config = load({ sandbox: { migrations: 'db/migrations', seed: 'seed.ts' }, services: [service] });
  expect(config.sandbox && config.sandbox.migrations).toEqual({ kind: 'sql-dir', path: join(dir, 'db', 'migrations'), pointer: '/sandbox/migrations' });
  expect(config.sandbox && config.sandbox.seed).toEqual({ kind: 'module', path: join(dir, 'seed.ts'), pointer: '/sandbox/seed' });
});

test('placeholders expand in one pass: database parts, phase, ${ENV}; a missing variable is named', () => {
  const values = { ...databasePlaceholders('postgres://app:s%40cret@127.0.0.1:5544/orders_seeded'), port: '8080', phase: 'seeded' as const };
  expect(expandPlaceholders('{db.user}:{db.password}@{db.host}:{db.port}/{db.name} {phase} {port} ${HOME_X}', values, 'x', { HOME_X: '{port}' })).toBe(
    'app:s@cret@127.0.0.1:5544/orders_seeded seeded 8080 {port}',
  );
  expect(() => expandPlaceholders('${NOPE_X}', values, 'services[0].start.env.TOKEN', {})).toThrow('services[0].start.env.TOKEN: environment variable NOPE_X is not set');
  expect(() => expandPlaceholders('{port}', {}, 'sandbox.seed.command')).toThrow('sandbox.seed.command: {port} has no value here');
});

test('{baseUrl.<service>} is where that service answers in the same phase; a configured one is accepted', () => {
  const values = serviceUrlPlaceholders({ risk: 'http://127.0.0.1:4001', 'price-feed': 'http://127.0.0.1:4002' });
  expect(expandPlaceholders('{baseUrl.risk}/v1 {baseUrl.price-feed}', values, 'x')).toBe('http://127.0.0.1:4001/v1 http://127.0.0.1:4002');
  expect(() => expandPlaceholders('{baseUrl.audit}', values, 'env.AUDIT')).toThrow('env.AUDIT: {baseUrl.audit} has no value here');
  const config = load({
    sandbox: {},
    services: [
      { ...service, start: { ...start, env: { RISK_URL: '{baseUrl.risk}' } } },
      { ...service, name: 'risk', start },
    ],
  });
  expect(config.services[0]?.start?.env).toEqual({ RISK_URL: '{baseUrl.risk}' });
});
