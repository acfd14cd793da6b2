import { relative } from 'node:path';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { ResolvedConfig } from '../config-types';
import { DATABASES, ENV_SECRET, postgresUrl } from './pod-values';
import { instanceUrl } from './render-services';
import { imageRef, inImage, runLabels, type RunParams } from './run-params';

/**
 * The runner: a Job that runs `contract-harness gate` in the project's image against the
 * instances of the run, with a config of its own (`"sandbox": false`, each service's base URLs
 * the instances' Services) and the endpoints file the suites' database helpers read, both from
 * a ConfigMap. The gate writes its reports to a volume that a second container keeps after the
 * gate ended, so that `kubectl cp` can copy them out (a finished container cannot be copied
 * from); run.sh touches `<reports>/.collected` when it has them.
 */

export const RUNNER_NAME = 'harness-runner';
/** Where the reports volume is in the `reports` container (the one `kubectl cp` reads). */
export const RUNNER_REPORTS_DIR = '/reports';
export const RUNNER_CONFIG_FILE = 'harness.k8s.json';
const ENDPOINTS_DIR = '/etc/contract-harness';

/** The config the gate runs with in the runner pod: the project's, with the run's URLs and no sandbox. */
export function runnerConfig(config: ResolvedConfig, params: RunParams): Record<string, unknown> {
  const rel = (path: string) => relative(config.rootDir, path) || '.';
  return {
    outDir: rel(config.outDir),
    reportsDir: rel(config.reportsDir),
    sandbox: false,
    services: config.services.map((svc) => ({
      name: svc.name,
      spec: rel(svc.spec),
      baseUrl: instanceUrl(svc.name, 'seeded', params),
      emptyBaseUrl: instanceUrl(svc.name, 'empty', params),
      ...(Object.keys(svc.headers).length ? { headers: svc.headers } : {}),
      ...(Object.keys(svc.bindings).length ? { bindings: svc.bindings } : {}),
      ...(svc.expect ? { expect: svc.expect } : {}),
    })),
  };
}

/** The sandbox's endpoints file (ARCHITECTURE.md, contract 2) for the run's instances and databases. */
export function runnerEndpoints(config: ResolvedConfig, params: RunParams): Record<string, unknown> {
  return {
    databaseUrl: postgresUrl(DATABASES.seeded),
    emptyDatabaseUrl: postgresUrl(DATABASES.empty),
    services: Object.fromEntries(
      config.services.map((svc) => [svc.name, { baseUrl: instanceUrl(svc.name, 'seeded', params), emptyBaseUrl: instanceUrl(svc.name, 'empty', params) }]),
    ),
  };
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export function renderRunner(config: ResolvedConfig, params: RunParams, namespace: string): (ConfigMap | Job)[] {
  const labels = { ...runLabels(params), 'app.kubernetes.io/name': RUNNER_NAME, 'contract-harness/role': 'runner' };
  const image = imageRef(params.image, params.registry);
  const configFile = `${params.workdir.replace(/\/+$/, '')}/${RUNNER_CONFIG_FILE}`;
  const configMap = new ConfigMap({
    metadata: { name: RUNNER_NAME, namespace, labels },
    data: { [RUNNER_CONFIG_FILE]: json(runnerConfig(config, params)), 'endpoints.json': json(runnerEndpoints(config, params)) },
  });
  // POSIX sh: wait for run.sh to say it has the reports, or give up after collectSeconds ('$$' is
  // Kubernetes' escape of '$', which it would otherwise read as a variable reference)
  const hold = `i=0; while [ ! -f ${RUNNER_REPORTS_DIR}/.collected ] && [ "$i" -lt ${params.collectSeconds} ]; do sleep 1; i=$((i+1)); done`.replaceAll('$', '$$$$');
  const job = new Job({
    metadata: { name: RUNNER_NAME, namespace, labels },
    spec: {
      // a failed gate is a verdict, not a reason to run it again
      backoffLimit: 0,
      activeDeadlineSeconds: params.runnerTimeoutSeconds + params.collectSeconds,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'gate',
              image,
              workingDir: params.workdir,
              command: [...params.cli, 'gate'],
              env: [
                { name: 'HARNESS_CONFIG', value: configFile },
                { name: 'HARNESS_ENDPOINTS', value: `${ENDPOINTS_DIR}/endpoints.json` },
                { name: 'CI', value: 'true' },
              ],
              envFrom: [{ secretRef: { name: ENV_SECRET, optional: true } }],
              volumeMounts: [
                { name: 'runner-config', mountPath: configFile, subPath: RUNNER_CONFIG_FILE, readOnly: true },
                { name: 'runner-config', mountPath: ENDPOINTS_DIR, readOnly: true },
                { name: 'reports', mountPath: inImage(config, params, config.reportsDir) },
              ],
            },
            {
              name: 'reports',
              image,
              command: ['sh', '-c', hold],
              volumeMounts: [{ name: 'reports', mountPath: RUNNER_REPORTS_DIR }],
            },
          ],
          volumes: [
            { name: 'runner-config', configMap: { name: RUNNER_NAME } },
            { name: 'reports', emptyDir: {} },
          ],
        },
      },
    },
  });
  return [configMap, job];
}
