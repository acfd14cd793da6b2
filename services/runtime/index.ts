export * from './errors';
export * from './types';
export { startService, runServiceMain, type RunningService } from './server';
