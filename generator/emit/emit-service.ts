import type { ServicePlan } from '../plan/plan-service';
import { renderTemplate } from './render';

export interface EmittedFile {
  /** Path relative to the config's outDir, posix slashes: `registry/client.ts`. */
  path: string;
  content: string;
}

/** Stage 4: render one service's files (types.ts is produced separately, see generate-types.ts). */
export function emitServiceFiles(plan: ServicePlan): EmittedFile[] {
  const dir = plan.service;
  const files: EmittedFile[] = [
    {
      path: `${dir}/client.ts`,
      content: renderTemplate('client', {
        specLabel: plan.specLabel,
        runtimeImport: plan.runtimeImport,
        title: plan.title,
        service: plan.service,
        clientIdentifier: plan.clientIdentifier,
        schemaExports: plan.schemaExports,
      }),
    },
    { path: `${dir}/contract.json`, content: JSON.stringify(plan.contract, null, 2) + '\n' },
    { path: `${dir}/manifest.json`, content: JSON.stringify(plan.manifest, null, 2) + '\n' },
  ];
  for (const file of plan.testFiles) {
    files.push({
      path: `${dir}/${file.fileName}`,
      content: renderTemplate('test-file', {
        specLabel: plan.specLabel,
        group: file.group,
        clientIdentifier: plan.clientIdentifier,
        hasRunnable: file.tests.some((t) => !t.skipped) || file.chains.some((c) => !c.skipped) || file.lists.some((c) => !c.skipped),
        tests: file.tests.map((t) => ({ name: t.name, skipped: t.skipped ?? '', spec: t.spec ?? null })),
        chains: file.chains.map((c) => ({ name: c.name, skipped: c.skipped ?? '', spec: c.spec ?? null })),
        lists: file.lists.map((c) => ({ name: c.name, skipped: c.skipped ?? '', spec: c.spec ?? null })),
      }),
    });
  }
  for (const entry of plan.testEntries) {
    files.push({ path: `${dir}/${entry.fileName}`, content: renderTemplate('test-entry', { specLabel: plan.specLabel, modules: entry.modules }) });
  }
  return files.map((f) => ({ path: f.path, content: normaliseNewlines(f.content) }));
}

/** `\n` endings and exactly one trailing newline: byte-identical output on every platform. */
export function normaliseNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(/\n*$/, '\n');
}
