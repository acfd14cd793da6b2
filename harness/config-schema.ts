import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The harness config's schema, the one source of both its validation (ajv, in `config.ts`) and
 * its TypeScript type (`config-types.ts`): tools outside this repository write these keys.
 * Descriptions are the documentation an editor shows for a JSON config (`$schema`).
 */

const described = <T extends TSchema>(schema: T, description: string): T => ({ ...schema, description });
const closed = { additionalProperties: false } as const;

/** A status the config may expect. A 5xx never is: the harness always fails one. */
const ExpectedStatus = Type.String({ pattern: '^[1-4](\\d\\d|XX)$' });

/** argv (no shell), or one string split on spaces. */
export const CommandLine = Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String(), { minItems: 1 })]);

const CommandStep = Type.Object(
  { command: described(CommandLine, 'run in the config folder; placeholders name the template database') },
  closed,
);

export const ExpectationSchema = Type.Object(
  {
    skip: Type.Optional(described(Type.String({ minLength: 1 }), 'skip every generated case of the operation, with this reason')),
    ok: Type.Optional(described(ExpectedStatus, 'status of the success case (e.g. "401": the token may not call it)')),
    'not-found': Type.Optional(described(ExpectedStatus, 'status for an unknown id; also generates the case when the spec documents no 404')),
    invalid: Type.Optional(described(ExpectedStatus, 'status for invalid input; also generates the cases when the spec documents none')),
    'empty-list': Type.Optional(
      described(Type.Literal('skip'), 'skip the empty-list case: even an empty database fills this list (roles, built-in settings); needs a reason'),
    ),
    ignore: Type.Optional(
      described(Type.Array(Type.String({ pattern: '^(/.*)?$' })), 'JSON pointers of response fields the service sets or normalises'),
    ),
    filters: Type.Optional(
      described(
        Type.Record(
          Type.String({ minLength: 1 }),
          Type.Union([
            described(Type.String({ minLength: 1 }), 'the parameter is not a filter; what it is instead (e.g. "search": a full-text search)'),
            Type.Object({ of: described(Type.String({ minLength: 1 }), 'the listed items\' property it filters by') }, closed),
          ]),
          { minProperties: 1 },
        ),
        'list query parameters by name: what the spec\'s names and types do not say (a "q" that is a search, a filter named unlike its property); needs a reason',
      ),
    ),
    reason: Type.Optional(described(Type.String({ minLength: 1 }), 'why: shown in the report beside every case the entry changes')),
  },
  { ...closed, minProperties: 1, dependencies: { 'empty-list': ['reason'], filters: ['reason'] } },
);

export const StartSchema = Type.Object(
  {
    command: described(CommandLine, 'argv of one instance (no shell); the sandbox runs two, over the seeded and the empty database'),
    cwd: Type.Optional(described(Type.String({ minLength: 1 }), 'relative to the config file; default its folder')),
    env: Type.Optional(described(Type.Record(Type.String(), Type.String()), 'added to the inherited environment; placeholders allowed')),
    health: Type.Optional(described(Type.String({ pattern: '^/' }), 'a path that answers 2xx once the instance is ready; default /health')),
  },
  closed,
);

export const ServiceSchema = Type.Object(
  {
    name: described(Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }), 'lower-case letters, digits and dashes; used for folders and report rows'),
    spec: described(Type.String({ minLength: 1 }), 'OpenAPI document, relative to the config file'),
    start: Type.Optional(described(StartSchema, 'how the sandbox runs the service; required when "sandbox" is an object')),
    baseUrl: Type.Optional(described(Type.String({ pattern: '^https?://' }), 'the seeded instance; required when "sandbox" is false')),
    emptyBaseUrl: Type.Optional(described(Type.String({ pattern: '^https?://' }), 'the same service over an empty database (empty-list cases)')),
    headers: Type.Optional(described(Type.Record(Type.String(), Type.String()), 'request headers; ${ENV} expanded at run time, never written')),
    requestTimeoutMs: Type.Optional(
      described(Type.Integer({ minimum: 1 }), 'a request that gets no answer in this time fails, naming the operation (not the test after Jest\'s timeout); default 10000'),
    ),
    bindings: Type.Optional(
      described(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()])), 'path/query values for success cases'),
    ),
    expect: Type.Optional(
      described(
        Type.Record(Type.String({ pattern: '^(\\*|[A-Za-z]+ /.*|[^ ]+)$' }), ExpectationSchema),
        'by operationId, "METHOD /path" or "*": what to expect where the service differs from its spec',
      ),
    ),
  },
  closed,
);

export const SandboxSchema = Type.Object(
  {
    migrations: Type.Optional(
      described(Type.Union([Type.String({ minLength: 1 }), CommandStep]), 'a folder of .sql files applied in name order and recorded, or { "command" }'),
    ),
    seed: Type.Optional(
      described(
        Type.Union([Type.String({ minLength: 1 }), CommandStep]),
        'a .sql file, a .ts/.js module whose default export is async (client: pg.Client) => void (one transaction), or { "command" }; seeded template only',
      ),
    ),
    readyTimeoutMs: Type.Optional(described(Type.Integer({ minimum: 100 }), 'per instance, from spawn to a healthy answer; default 60000')),
  },
  closed,
);

export const HarnessConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    outDir: Type.Optional(described(Type.String({ minLength: 1 }), 'generated files, relative to the config file; default "generated"')),
    reportsDir: Type.Optional(described(Type.String({ minLength: 1 }), 'reports and logs, relative to the config file; default "reports"')),
    sandbox: described(
      Type.Union([Type.Literal(false), SandboxSchema]),
      'false: the services already run (baseUrl per service); an object: the harness brings up Postgres, migrations, seed and every service twice',
    ),
    services: Type.Array(ServiceSchema, { minItems: 1 }),
  },
  closed,
);

export type HarnessConfig = Static<typeof HarnessConfigSchema>;
export type ServiceConfig = Static<typeof ServiceSchema>;
export type SandboxConfig = Static<typeof SandboxSchema>;
export type StartConfig = Static<typeof StartSchema>;
export type Expectation = Static<typeof ExpectationSchema>;
export type CommandLineConfig = Static<typeof CommandLine>;
