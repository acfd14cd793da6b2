import { ConfigError, escapePointer } from '../config';
import type { ResolvedConfig } from '../config-types';
import { databasePlaceholders, expandPlaceholders, PlaceholderError, type PlaceholderValues } from '../placeholders';
import type { Phase } from '../runtime/case-types';

/**
 * What the config's placeholders mean inside the run's namespace: the Postgres Service by its
 * name, the databases the prepare Job builds, the fixed port of every service pod, `{host}` as
 * 0.0.0.0 (a readiness probe and the runner come from outside the container). `${ENV}` becomes
 * Kubernetes' `$(ENV)`, resolved from the optional Secret `harness-env`; every literal `$` is
 * written `$$`, so Kubernetes expands nothing of the config's own text.
 */

export const POSTGRES_NAME = 'harness-postgres';
export const POSTGRES_USER = 'harness';
/** Not a secret: the database lives in the run's namespace only, as long as the run. */
export const POSTGRES_PASSWORD = 'harness';
export const POSTGRES_PORT = 5432;
/** The databases `k8s prepare` builds (infra/db/databases.ts prepareTemplates with this prefix). */
export const DATABASE_PREFIX = 'harness';
export const DATABASES: Record<Phase, string> = { seeded: `${DATABASE_PREFIX}_seeded`, empty: `${DATABASE_PREFIX}_migrated` };
/** Connections each service instance may pool ({poolMax}). */
export const POOL_MAX = 10;
/** The optional Secret whose keys become every pod's environment (`run.sh --env-file`). */
export const ENV_SECRET = 'harness-env';

export const postgresUrl = (database: string): string =>
  `postgres://${POSTGRES_USER}:${POSTGRES_PASSWORD}@${POSTGRES_NAME}:${POSTGRES_PORT}/${database}`;

export function podPlaceholders(phase: Phase, servicePort: number): PlaceholderValues {
  return { ...databasePlaceholders(postgresUrl(DATABASES[phase])), port: String(servicePort), phase, poolMax: String(POOL_MAX), host: '0.0.0.0' };
}

/** `${NAME}` as a Kubernetes variable reference: the same name, read from the pod's environment. */
const asKubernetesVariable = new Proxy({} as NodeJS.ProcessEnv, { get: (_t, name) => (typeof name === 'string' ? `$(${name})` : undefined) });

/** A loopback address in a pod's command: nothing outside the container reaches it. */
const LOOPBACK = /\b(127\.0\.0\.1|localhost)\b/;

/**
 * One config string as a pod's env value or argument. A ConfigError at `pointer` when it names
 * a loopback address or a placeholder that has no value here.
 */
export function podValue(config: ResolvedConfig, pointer: string, text: string, values: PlaceholderValues): string {
  if (LOOPBACK.test(text)) {
    throw new ConfigError(config.file, pointer, `"${text}" names a loopback address: in a pod nothing outside the container reaches it (a readiness probe, the runner); write {host}, which is 127.0.0.1 in the sandbox and 0.0.0.0 in a pod`);
  }
  try {
    return expandPlaceholders(text.replaceAll('$', '$$$$').replace(/\$\$\{/g, '${'), values, 'value', asKubernetesVariable);
  } catch (err) {
    if (err instanceof PlaceholderError) throw new ConfigError(config.file, pointer, err.message.replace(/^value: /, ''));
    throw err;
  }
}

/** The env list of a container, in the config's key order. */
export function podEnv(config: ResolvedConfig, pointer: string, env: Record<string, string>, values: PlaceholderValues): { name: string; value: string }[] {
  return Object.entries(env).map(([name, value]) => ({ name, value: podValue(config, `${pointer}/env/${escapePointer(name)}`, value, values) }));
}
