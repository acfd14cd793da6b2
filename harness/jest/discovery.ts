import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandEnv } from '../config';
import type { ResolvedConfig } from '../config-types';
import { resolveEndpoints } from '../endpoints';
import type { Contract } from '../runtime/contract';
import { discover, discoverKey, DISCOVERED_FILE, type Discovered, type DiscoveredFile } from '../runtime/discover';

export interface DiscoverySummary {
  found: number;
  missing: number;
}

/**
 * Before any test file loads: resolve every list the generated cases take a path value from, on
 * each service's seeded instance, into `<callsDir>/discovered.json`. Test files then declare a
 * case whose value is missing as skipped, with the reason (harness/runtime/discover.ts).
 */
export async function prepareDiscovery(config: ResolvedConfig, callsDir: string, env: NodeJS.ProcessEnv = process.env): Promise<DiscoverySummary> {
  const endpoints = resolveEndpoints(config, env);
  const out: DiscoveredFile = {};
  const summary: DiscoverySummary = { found: 0, missing: 0 };
  for (const svc of config.services) {
    const contractFile = join(config.outDir, svc.name, 'contract.json');
    const baseUrl = endpoints[svc.name]?.baseUrl;
    if (!baseUrl || !existsSync(contractFile)) continue;
    const specs = (JSON.parse(readFileSync(contractFile, 'utf8')) as Contract).discover ?? [];
    if (specs.length === 0) continue;
    let headers: Record<string, string>;
    try {
      headers = Object.fromEntries(Object.entries(svc.headers).map(([name, template]) => [name, expandEnv(template, env)]));
    } catch (err) {
      // a missing secret: every case that needs a discovered value says so, the others run (and fail naming it)
      out[svc.name] = Object.fromEntries(specs.map((spec) => [discoverKey(spec), { reason: `cannot discover: ${(err as Error).message}` }]));
      summary.missing += specs.length;
      continue;
    }
    const lists = new Map<string, Promise<{ status: number; text: string }>>();
    const fetchList = (path: string, pathValues: Record<string, unknown>) => {
      const url = baseUrl.replace(/\/+$/, '') + path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(pathValues[name])));
      let pending = lists.get(url);
      if (!pending) {
        pending = fetch(url, { headers, signal: AbortSignal.timeout(10_000) }).then(async (res) => ({ status: res.status, text: await res.text() }));
        lists.set(url, pending);
      }
      return pending;
    };
    const found: Record<string, Discovered> = {};
    for (const spec of specs) {
      const result = await discover(spec, fetchList);
      found[discoverKey(spec)] = result;
      if ('value' in result) summary.found += 1;
      else summary.missing += 1;
    }
    out[svc.name] = found;
  }
  mkdirSync(callsDir, { recursive: true });
  const file = join(callsDir, DISCOVERED_FILE);
  writeFileSync(`${file}.tmp`, JSON.stringify(out, null, 2) + '\n');
  renameSync(`${file}.tmp`, file);
  return summary;
}
