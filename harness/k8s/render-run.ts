import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';
import { ConfigError } from '../config';
import type { ResolvedConfig } from '../config-types';
import { DATABASES, ENV_SECRET, POOL_MAX, POSTGRES_NAME, POSTGRES_PASSWORD, POSTGRES_PORT, POSTGRES_USER, postgresUrl } from './pod-values';
import { imageRef, inImage, LABEL_EXPIRES, namespaceOf, runLabels, type RunParams } from './run-params';
import { renderRunner, RUNNER_NAME, RUNNER_REPORTS_DIR } from './render-runner';
import { renderServices } from './render-services';

/**
 * The manifests of one run, from the harness config and the run's parameters, in the order
 * `infra/k8s/run.sh` applies them (one file per stage, each waited for before the next):
 * the namespace, Postgres without a persistent volume, the Job that migrates and seeds, every
 * service twice (seeded, empty), the runner Job that runs the gate against them.
 * Every object is a kubernetes-models object; `validate-manifests.ts` checks them before the CLI
 * writes anything.
 */

export type Manifest = Namespace | Deployment | Service | Job | import('kubernetes-models/v1/ConfigMap').ConfigMap;

export interface RenderedFile {
  /** File name inside the output folder. */
  name: string;
  manifests: Manifest[];
}

export interface RenderedRun {
  namespace: string;
  files: RenderedFile[];
  /** `run.env`: what run.sh reads (namespace, job names, where the reports are in the runner pod). */
  runEnv: string;
}

export const PREPARE_NAME = 'harness-prepare';

function renderNamespace(params: RunParams): Namespace {
  return new Namespace({
    metadata: {
      name: namespaceOf(params.runId),
      // a label value cannot hold ':': the expiry as Unix seconds for selectors, ISO in the annotation
      labels: { ...runLabels(params), [LABEL_EXPIRES]: String(Date.parse(params.expiresAt) / 1000) },
      annotations: { [LABEL_EXPIRES]: params.expiresAt },
    },
  });
}

function renderPostgres(params: RunParams, namespace: string, maxConnections: number): Manifest[] {
  const labels = { ...runLabels(params), 'app.kubernetes.io/name': POSTGRES_NAME, 'contract-harness/role': 'database' };
  const selector = { 'app.kubernetes.io/name': POSTGRES_NAME };
  const deployment = new Deployment({
    metadata: { name: POSTGRES_NAME, namespace, labels },
    spec: {
      replicas: 1,
      strategy: { type: 'Recreate' },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'postgres',
              image: imageRef(params.postgresImage, params.registry),
              // a database of one run: durability buys nothing
              args: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', `max_connections=${maxConnections}`],
              env: [
                { name: 'POSTGRES_USER', value: POSTGRES_USER },
                { name: 'POSTGRES_PASSWORD', value: POSTGRES_PASSWORD },
                { name: 'POSTGRES_DB', value: 'postgres' },
                { name: 'PGDATA', value: '/var/lib/postgresql/data/pgdata' },
              ],
              ports: [{ name: 'postgres', containerPort: POSTGRES_PORT }],
              readinessProbe: {
                exec: { command: ['pg_isready', '-U', POSTGRES_USER, '-d', 'postgres', '-h', '127.0.0.1'] },
                periodSeconds: 2,
                timeoutSeconds: 2,
                failureThreshold: 3,
              },
              volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql/data' }],
            },
          ],
          // no persistent volume: the data lives and dies with the pod
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
    },
  });
  const service = new Service({
    metadata: { name: POSTGRES_NAME, namespace, labels },
    spec: { selector, ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: 'postgres' }] },
  });
  return [deployment, service];
}

function renderPrepare(config: ResolvedConfig, params: RunParams, namespace: string): Job {
  const labels = { ...runLabels(params), 'app.kubernetes.io/name': PREPARE_NAME, 'contract-harness/role': 'prepare' };
  return new Job({
    metadata: { name: PREPARE_NAME, namespace, labels },
    spec: {
      // prepare drops and rebuilds its databases: a retry starts clean
      backoffLimit: 2,
      activeDeadlineSeconds: params.prepareTimeoutSeconds,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'prepare',
              image: imageRef(params.image, params.registry),
              workingDir: params.workdir,
              command: [...params.cli, 'k8s', 'prepare', '--database-url', postgresUrl('postgres')],
              env: [{ name: 'HARNESS_CONFIG', value: inImage(config, params, config.file) }],
              envFrom: [{ secretRef: { name: ENV_SECRET, optional: true } }],
            },
          ],
        },
      },
    },
  });
}

/** The run's manifests; a ConfigError (exit 2) when the config cannot run in a pod. */
export function renderRun(config: ResolvedConfig, params: RunParams): RenderedRun {
  if (config.sandbox === false) {
    throw new ConfigError(config.file, '/sandbox', 'is false: the run needs the sandbox keys (migrations, seed, a start command per service) to build its pods');
  }
  const namespace = namespaceOf(params.runId);
  // two instances per service, the prepare Job, the runner's database helpers, and room to spare
  const maxConnections = Math.max(100, 2 * config.services.length * POOL_MAX + 40);
  const files: RenderedFile[] = [
    { name: '00-namespace.yaml', manifests: [renderNamespace(params)] },
    { name: '10-postgres.yaml', manifests: renderPostgres(params, namespace, maxConnections) },
    { name: '20-prepare.yaml', manifests: [renderPrepare(config, params, namespace)] },
    { name: '30-services.yaml', manifests: renderServices(config, params, namespace) },
    { name: '40-runner.yaml', manifests: renderRunner(config, params, namespace) },
  ];
  const runEnv = [
    `NAMESPACE=${namespace}`,
    `RUN_ID=${params.runId}`,
    `POSTGRES_DEPLOYMENT=${POSTGRES_NAME}`,
    `PREPARE_JOB=${PREPARE_NAME}`,
    `RUNNER_JOB=${RUNNER_NAME}`,
    `RUNNER_REPORTS_DIR=${RUNNER_REPORTS_DIR}`,
    // the Jobs' deadlines, run.sh's default waits for them
    `PREPARE_DEADLINE_SECONDS=${params.prepareTimeoutSeconds}`,
    `RUNNER_DEADLINE_SECONDS=${params.runnerTimeoutSeconds + params.collectSeconds}`,
    `DATABASES=${DATABASES.seeded},${DATABASES.empty}`,
    '',
  ].join('\n');
  return { namespace, files, runEnv };
}
