import { resolve } from 'node:path';
import type { ServiceDefinition } from '../runtime';
import { approvalHandlers } from './handlers/approvals';
import { evaluationHandlers } from './handlers/evaluations';
import { lockoutHandlers } from './handlers/lockouts';
import { snapshotHandlers } from './handlers/snapshots';

/** The risk engine: pre-trade evaluation, operator approvals, symbol lockouts, daily snapshots. */
export const service: ServiceDefinition = {
  name: 'risk',
  specFile: resolve(__dirname, '..', '..', 'openapi', 'risk.yaml'),
  handlers: { ...evaluationHandlers, ...approvalHandlers, ...lockoutHandlers, ...snapshotHandlers },
};
