#!/usr/bin/env node
import { Command } from 'commander';
import { generateCommand } from '../generator/cli';
import { sandboxCommand } from '../infra/sandbox-cli';
import { gateCommand } from './gate-cli';
import { initCommand } from './init/init-command';
import { k8sCommand } from './k8s/k8s-cli';
import { packageVersion } from './package-paths';
import { coverageDiffCommand } from './report/coverage-diff-cli';
import { runCommand } from './run-command';

/**
 * `contract-harness`, the package's command line (package.json `bin`). Each verb is defined
 * beside its code and also runs alone (`tsx generator/cli.ts`, ...); the npm scripts call this.
 * Usage errors exit 2, like a bad config.
 */
export function buildProgram(): Command {
  const coverage = new Command('coverage')
    .description('Coverage reports across runs')
    .addCommand(coverageDiffCommand('diff', (code) => (process.exitCode = code)));
  return new Command('contract-harness')
    .description('Contract-first tests for HTTP services: typed clients and baseline Jest tests from OpenAPI, a sandbox over Postgres, coverage reports')
    .version(packageVersion())
    .addCommand(initCommand())
    .addCommand(generateCommand())
    .addCommand(sandboxCommand())
    .addCommand(gateCommand())
    .addCommand(coverage)
    .addCommand(k8sCommand())
    .showHelpAfterError();
}

if (require.main === module) void runCommand(buildProgram());
