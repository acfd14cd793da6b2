/**
 * Placeholders in `start.command`, `start.env` and the sandbox's migration and seed commands:
 * `{port}`, `{databaseUrl}`, `{db.host}`, `{db.port}`, `{db.name}`, `{db.user}`, `{db.password}`,
 * `{phase}` (`seeded` or `empty`), `{poolMax}` (connections the instance may pool), `{host}` (the
 * address to listen on: 127.0.0.1 in the sandbox, 0.0.0.0 in a Kubernetes pod, where probes and other
 * pods come from outside the container). `${ENV}` comes from the environment. Both are expanded in one pass, so a value never expands twice.
 */

export const PLACEHOLDERS = ['port', 'databaseUrl', 'db.host', 'db.port', 'db.name', 'db.user', 'db.password', 'phase', 'poolMax', 'host'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Partial<Record<Placeholder, string>>;

const TOKEN = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\{([A-Za-z][A-Za-z0-9_.]*)\}/g;
const known = new Set<string>(PLACEHOLDERS);

/** The first `{name}` in `text` that is not a placeholder, or undefined. */
export function unknownPlaceholder(text: string): string | undefined {
  for (const m of text.matchAll(TOKEN)) if (m[2] !== undefined && !known.has(m[2])) return `{${m[2]}}`;
  return undefined;
}

/** The values of a database URL's placeholders. */
export function databasePlaceholders(databaseUrl: string): PlaceholderValues {
  const url = new URL(databaseUrl);
  return {
    databaseUrl,
    'db.host': url.hostname,
    'db.port': url.port || '5432',
    'db.name': decodeURIComponent(url.pathname.replace(/^\//, '')),
    'db.user': decodeURIComponent(url.username),
    'db.password': decodeURIComponent(url.password),
  };
}

/**
 * Expand placeholders and `${ENV}`. A placeholder with no value here (a migration command has no
 * `{port}`) or an unset variable is an error naming it; `where` says which config value it was.
 */
export function expandPlaceholders(text: string, values: PlaceholderValues, where: string, env: NodeJS.ProcessEnv = process.env): string {
  return text.replace(TOKEN, (whole, envName: string | undefined, name: string | undefined) => {
    if (envName !== undefined) {
      const v = env[envName];
      if (v === undefined) throw new PlaceholderError(`${where}: environment variable ${envName} is not set`);
      return v;
    }
    const v = values[name as Placeholder];
    if (v === undefined) {
      throw new PlaceholderError(
        known.has(name as string) ? `${where}: ${whole} has no value here` : `${where}: unknown placeholder ${whole} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`,
      );
    }
    return v;
  });
}

export class PlaceholderError extends Error {
  override name = 'PlaceholderError';
}
