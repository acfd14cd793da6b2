import { relative } from 'node:path';

/**
 * The parameters of one Kubernetes run, beside the config: which run, until when, which images.
 * Nothing here is read from this machine (no paths, ports, user names, clock): the same config and
 * the same parameters render the same bytes.
 */

export interface RunParams {
  /** Names the namespace `contract-harness-<runId>` and labels every object. */
  runId: string;
  /** When the namespace may be deleted by a janitor even if the run never deleted it (ISO 8601, UTC). */
  expiresAt: string;
  /** The project's image: the repository with its node_modules (services, migrations, seed, specs, tests). */
  image: string;
  /** Per-service image, when a service is not in the project's image. */
  serviceImages: Record<string, string>;
  postgresImage: string;
  /** Prefixes every image that names no registry of its own (docker's rule: a first segment with '.' or ':', or localhost). */
  registry?: string;
  /** The project's root inside the image: where the harness config's relative paths start. */
  workdir: string;
  /** argv of the harness's command line inside the image. */
  cli: string[];
  /** The port every service instance listens on in its pod ({port}). */
  servicePort: number;
  /** activeDeadlineSeconds of the prepare and runner Jobs. */
  prepareTimeoutSeconds: number;
  runnerTimeoutSeconds: number;
  /** How long the runner pod keeps its reports for `kubectl cp` after the gate ended. */
  collectSeconds: number;
}

export const DEFAULT_PARAMS = {
  postgresImage: 'postgres:16-alpine',
  workdir: '/app',
  cli: ['npx', 'contract-harness'],
  servicePort: 8080,
  prepareTimeoutSeconds: 600,
  runnerTimeoutSeconds: 3600,
  collectSeconds: 600,
} as const satisfies Partial<RunParams>;

export const NAMESPACE_PREFIX = 'contract-harness-';

/** A run id that makes a valid namespace name (RFC 1123 label, 63 characters at most). */
export const RUN_ID = /^[a-z0-9]([-a-z0-9]{0,44}[a-z0-9])?$/;

/** A bad parameter: the CLI exits 2 naming the flag. */
export class ParamError extends Error {
  override name = 'ParamError';
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`${flag}: ${message}`);
  }
}

export function checkRunId(runId: string): string {
  if (!RUN_ID.test(runId)) {
    throw new ParamError('--run-id', `"${runId}" is not a namespace-name part: lower-case letters, digits and '-', 1-46 characters, starting and ending with a letter or digit`);
  }
  return runId;
}

/** An ISO 8601 instant, normalised to `YYYY-MM-DDTHH:MM:SSZ`. */
export function checkExpiresAt(value: string): string {
  const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new ParamError('--expires-at', `"${value}" is not an ISO 8601 time with a zone, e.g. 2026-12-04T20:30:00Z`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** An image reference: no spaces, no upper case in the repository part, something after the last '/'. */
export function checkImage(flag: string, image: string): string {
  if (!/^[a-z0-9][a-z0-9._\-/:@]*$/i.test(image) || /\/$/.test(image)) throw new ParamError(flag, `"${image}" is not an image reference (e.g. ghcr.io/acme/platform:1.4.2)`);
  return image;
}

const hasRegistry = (image: string): boolean => {
  const first = image.split('/')[0] ?? '';
  return image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
};

/** The image as the pod pulls it: with the run's registry when it names none. */
export function imageRef(image: string, registry: string | undefined): string {
  return registry && !hasRegistry(image) ? `${registry.replace(/\/+$/, '')}/${image}` : image;
}

export const namespaceOf = (runId: string): string => `${NAMESPACE_PREFIX}${runId}`;

export const LABEL_RUN_ID = 'contract-harness/run-id';
export const LABEL_EXPIRES = 'contract-harness/expires-at';

/** Labels every object of the run carries. */
export const runLabels = (params: RunParams): Record<string, string> => ({
  'app.kubernetes.io/managed-by': 'contract-harness',
  [LABEL_RUN_ID]: params.runId,
});

/** Where a path of the project (under the config's folder) is inside the image. */
export function inImage(config: { rootDir: string }, params: Pick<RunParams, 'workdir'>, path: string): string {
  const rel = relative(config.rootDir, path);
  return rel === '' ? params.workdir : `${params.workdir.replace(/\/+$/, '')}/${rel}`;
}
