import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Service } from 'kubernetes-models/v1/Service';
import { ConfigError } from '../config';
import type { ResolvedConfig, ResolvedServiceConfig } from '../config-types';
import type { Phase } from '../runtime/case-types';
import { serviceUrlPlaceholders } from '../placeholders';
import { ENV_SECRET, podEnv, podPlaceholders, podValue } from './pod-values';
import { imageRef, inImage, runLabels, type RunParams } from './run-params';

/**
 * Each configured service twice, over the seeded and over the empty database, as the sandbox
 * runs it: one Deployment and one Service per instance, named `<service>-<phase>`, the config's
 * start command and env with the pod's placeholder values, a readiness probe on its health path.
 */

export const PHASES: readonly Phase[] = ['seeded', 'empty'];

export const instanceName = (service: string, phase: Phase): string => `${service}-${phase}`;

/** The URL the runner calls an instance at, inside the namespace. */
export const instanceUrl = (service: string, phase: Phase, params: RunParams): string => `http://${instanceName(service, phase)}:${params.servicePort}`;

function renderInstance(config: ResolvedConfig, params: RunParams, namespace: string, svc: ResolvedServiceConfig, index: number, phase: Phase): [Deployment, Service] {
  const start = svc.start;
  if (!start) throw new ConfigError(config.file, `/services/${index}/start`, 'required: a pod runs the service with this command');
  const name = instanceName(svc.name, phase);
  // a Service name is an RFC 1035 label: 63 characters at most
  if (name.length > 63) throw new ConfigError(config.file, `/services/${index}/name`, `"${svc.name}" is too long for Kubernetes: "${name}" must be 63 characters at most`);
  const serviceUrls = Object.fromEntries(config.services.map((s) => [s.name, instanceUrl(s.name, phase, params)]));
  const values = { ...podPlaceholders(phase, params.servicePort), ...serviceUrlPlaceholders(serviceUrls) };
  const selector = { 'app.kubernetes.io/name': svc.name, 'app.kubernetes.io/component': phase };
  const labels = { ...runLabels(params), ...selector, 'contract-harness/role': 'service' };
  const command = start.command.map((arg, i) => podValue(config, `${start.pointer}/command/${i}`, arg, values));
  const deployment = new Deployment({
    metadata: { name, namespace, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'service',
              image: imageRef(params.serviceImages[svc.name] ?? params.image, params.registry),
              workingDir: inImage(config, params, start.cwd),
              command,
              env: podEnv(config, start.pointer, start.env, values),
              envFrom: [{ secretRef: { name: ENV_SECRET, optional: true } }],
              ports: [{ name: 'http', containerPort: params.servicePort }],
              readinessProbe: { httpGet: { path: start.health, port: 'http' }, periodSeconds: 2, timeoutSeconds: 2, failureThreshold: 3 },
            },
          ],
        },
      },
    },
  });
  const service = new Service({
    metadata: { name, namespace, labels },
    spec: { selector, ports: [{ name: 'http', port: params.servicePort, targetPort: 'http' }] },
  });
  return [deployment, service];
}

export function renderServices(config: ResolvedConfig, params: RunParams, namespace: string): (Deployment | Service)[] {
  return config.services.flatMap((svc, i) => PHASES.flatMap((phase) => renderInstance(config, params, namespace, svc, i, phase)));
}
