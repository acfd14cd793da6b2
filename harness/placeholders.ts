/**
 * Placeholders in `start.command`, `start.env` and the sandbox's migration and seed commands:
 * `{port}`, `{databaseUrl}`, `{db.host}`, `{db.port}`, `{db.name}`, `{db.user}`, `{db.password}`,
 * `{phase}` (`seeded` or `empty`), `{poolMax}` (connections the instance may pool), `{host}` (the
 * address to listen on: 127.0.0.1 in the sandbox, 0.0.0.0 in a Kubernetes pod, where probes and other
 * pods come from outside the container), `{baseUrl.<service>}` (where another configured service's
 * instance of the same phase answers: a service that calls another one is pointed at it, and a
 * private instance at a private one). `${ENV}` comes from the environment. Both are expanded in
 * one pass, so a value never expands twice.
 */

export const PLACEHOLDERS = ['port', 'databaseUrl', 'db.host', 'db.port', 'db.name', 'db.user', 'db.password', 'phase', 'poolMax', 'host', 'baseUrl.<service>'] as const;
export type Placeholder = Exclude<(typeof PLACEHOLDERS)[number], 'baseUrl.<service>'>;
export type PlaceholderValues = Partial<Record<Placeholder, string>> & { [url: `baseUrl.${string}`]: string };

const SERVICE_URL = /^baseUrl\.([a-z][a-z0-9-]*)$/;
const TOKEN = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\{([A-Za-z][A-Za-z0-9_.]*|baseUrl\.[a-z][a-z0-9-]*)\}/g;
const known = new Set<string>(PLACEHOLDERS);

/** The service a `{baseUrl.<service>}` placeholder names, or undefined for any other name. */
export const serviceOfUrlPlaceholder = (name: string): string | undefined => SERVICE_URL.exec(name)?.[1];

/**
 * The first `{name}` in `text` that is not a placeholder, or undefined; with `services`, a
 * `{baseUrl.<service>}` of a service not among them is unknown too.
 */
export function unknownPlaceholder(text: string, services?: readonly string[]): string | undefined {
  for (const m of text.matchAll(TOKEN)) {
    const name = m[2];
    if (name === undefined || known.has(name)) continue;
    const service = serviceOfUrlPlaceholder(name);
    if (service !== undefined && (!services || services.includes(service))) continue;
    return `{${name}}`;
  }
  return undefined;
}

/** `{baseUrl.<service>}` values: each service's URL in one phase. */
export function serviceUrlPlaceholders(urls: Record<string, string>): PlaceholderValues {
  const values: PlaceholderValues = {};
  for (const [service, url] of Object.entries(urls)) values[`baseUrl.${service}`] = url;
  return values;
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
    const v = (values as Record<string, string | undefined>)[name as string];
    if (v === undefined) {
      const isKnown = known.has(name as string) || serviceOfUrlPlaceholder(name as string) !== undefined;
      throw new PlaceholderError(
        isKnown ? `${where}: ${whole} has no value here` : `${where}: unknown placeholder ${whole} (known: ${PLACEHOLDERS.map((p) => `{${p}}`).join(' ')})`,
      );
    }
    return v;
  });
}

export class PlaceholderError extends Error {
  override name = 'PlaceholderError';
}
