/**
 * The harness configuration: one file names the services under test.
 * `harness.config.ts` at the repository root by default; `HARNESS_CONFIG=<file>` selects another
 * (`.ts` or `.json`). Paths inside it are relative to the file that holds them.
 */
export interface ServiceConfig {
  /** Service name: lower-case letters, digits and dashes; used for folders and report rows. */
  name: string;
  /** OpenAPI document of the service, relative to the config file. */
  spec: string;
  /** Base URL of the seeded instance. Filled in by the sandbox when `sandbox` is true. */
  baseUrl?: string;
  /** Base URL of the same service over an empty database (enables empty-list cases). */
  emptyBaseUrl?: string;
  /** Request headers; `${ENV}` is expanded at run time and never written to disk. */
  headers?: Record<string, string>;
  /** Path/query parameter values for success cases, by parameter name. */
  bindings?: Record<string, string | number | boolean>;
  /**
   * Where the service's conventions differ from its spec: what to expect instead, by operation.
   * Keys: an operationId, `"METHOD /path"`, or `"*"` for every operation (an operation's own entry
   * wins field by field). The generator applies them; the report lists each with its origin.
   */
  expect?: Record<string, Expectation>;
}

/** Where a changed expectation comes from: the config entry (`harness.config.json services[0].expect["*"].invalid`) and its stated reason. */
export interface ExpectationOrigin {
  by: string;
  reason?: string;
}

/** How a skip or a changed status reads in a test name, a failure and the reports. */
export function describeOrigin(origin: ExpectationOrigin): string {
  return origin.reason ? `config ${origin.by}: ${origin.reason}` : `config ${origin.by}`;
}

/** What to expect of one operation (or of all, under `"*"`) instead of what the spec documents. */
export interface Expectation {
  /** Skip every generated case of the operation, with this reason (needs a user session, a mail server...). */
  skip?: string;
  /** Status of the success case (e.g. `"401"`: the configured token may not call it). */
  ok?: string;
  /** Status for an unknown id; also generates the case when the spec documents no 404. */
  'not-found'?: string;
  /** Status for invalid input (e.g. `"400"`: the framework never sends 422); also generates the cases when the spec documents none. */
  invalid?: string;
  /** JSON pointers of response fields the generated chains do not compare (`/updated_at`: the server sets it). */
  ignore?: string[];
  /** Why: shown in the report beside every case the entry changes. */
  reason?: string;
}

export interface HarnessConfig {
  /** Where generated files go, relative to the config file. Default `generated`. */
  outDir?: string;
  /** Where reports go, relative to the config file. Default `reports`. */
  reportsDir?: string;
  /** true: the harness brings up the reference sandbox; false: services already run. Default true. */
  sandbox?: boolean;
  services: ServiceConfig[];
}

/** A config with defaults applied and every path made absolute. */
export interface ResolvedConfig {
  /** Absolute path of the config file. */
  file: string;
  /** Folder of the config file: every relative path is resolved from here. */
  rootDir: string;
  outDir: string;
  reportsDir: string;
  sandbox: boolean;
  services: ResolvedServiceConfig[];
}

export interface ResolvedServiceConfig extends Omit<ServiceConfig, 'spec'> {
  /** Absolute path of the spec. */
  spec: string;
  headers: Record<string, string>;
  bindings: Record<string, string | number | boolean>;
}
