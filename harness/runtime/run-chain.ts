import type { RunOutcome, ValueSource } from './case-types';
import type { ChainSpec, ChainStep } from './chain-types';
import { curlLine, excerpt, findFailures, FoundFailure, mask } from './check-response';
import type { CheckFailure } from './checks';
import { judgeChain, recordsOf, type OracleFailure, type StepExchange } from './oracles';
import { exchanges } from './record-calls';
import { parse, send, type CaseRuntime, type Context } from './run-case';

/** One step as sent, for the failure message: the whole sequence is shown, not only the last request. */
interface SentStep extends StepExchange {
  method: string;
  path: string;
  expect: string;
  bodyText: string;
  curl: string;
}

/** A chain that found a bug: every failure, named, and the whole sequence that shows it. */
export class ChainFailure extends FoundFailure<OracleFailure | CheckFailure> {
  constructor(message: string, failures: readonly (OracleFailure | CheckFailure)[]) {
    super('ChainFailure', message, failures);
  }
}

/**
 * Execute one generated chain: send its steps in order (a list step page by page, within its
 * bound), check each response against the contract (schema, content type, documented status),
 * and judge the sequence with the chain's oracle. A setup step that makes no record returns the
 * reason the chain cannot run (the caller records it as a skip); a failure throws ChainFailure.
 */
export async function runChain(rt: CaseRuntime, spec: ChainSpec): Promise<RunOutcome> {
  const ctx: Context = { steps: Object.create(null) as Record<string, unknown> };
  const sentSteps: SentStep[] = [];
  const contractFailures: CheckFailure[] = [];
  for (const step of spec.steps) {
    const pages = step.list?.paging?.maxPages ?? 1;
    for (let page = 0; page < pages; page++) {
      const { result, text } = await send(rt, 'seeded', withPage(step, page), ctx);
      const exchange = exchanges.get(result.response);
      const body = parse(text);
      sentSteps.push({
        step: step.name,
        status: result.response.status,
        body,
        ...(exchange?.requestBody !== undefined ? { sent: parse(exchange.requestBody) } : {}),
        method: step.method.toUpperCase(),
        path: step.path,
        expect: step.expect,
        bodyText: text,
        curl: exchange ? curlLine(exchange, rt.secrets()) : '(not recorded)',
      });
      // the oracle owns the status; the contract checks say whether each body is what the spec documents
      const found = findFailures(rt.contract, result, step.expect, { bodyText: text, ...(step.expectedBy !== undefined ? { expectedBy: step.expectedBy } : {}) }).failures.filter((f) => f.check !== 'status');
      contractFailures.push(...found.map((f) => ({ ...f, message: `${step.name}: ${f.message}` })));
      if (step.setup && (result.response.status < 200 || result.response.status > 299)) break;
      ctx.steps![step.name] = body;
      if (!step.list?.paging || lastPage(step, body)) break;
    }
    const last = sentSteps.at(-1);
    if (step.setup && last && (last.status < 200 || last.status > 299)) break;
  }
  const verdict = judgeChain(spec, sentSteps);
  if (verdict.verdict === 'skip') return { ran: false, reason: verdict.reason };
  const failures = [...(verdict.verdict === 'fail' ? verdict.failures : []), ...contractFailures];
  if (failures.length === 0) return { ran: true };
  throw new ChainFailure(describeChainFailure(rt, spec, failures, sentSteps), failures);
}

/** The step with this page's offset; page 0 is the step as planned. */
function withPage(step: ChainStep, page: number): ChainStep {
  const paging = step.list?.paging;
  if (!paging) return step;
  const query: Record<string, ValueSource> = { ...(step.params?.query ?? {}) };
  if (paging.limit) query[paging.limit.name] = { value: paging.limit.value };
  if (paging.offset && paging.limit) query[paging.offset] = { value: page * paging.limit.value };
  return { ...step, params: { ...step.params, query } };
}

/** A short page, or one without paging parameters, is the last. */
function lastPage(step: ChainStep, body: unknown): boolean {
  const paging = step.list?.paging;
  if (!paging?.limit || !paging.offset) return true;
  return recordsOf(step, body).length < paging.limit.value;
}

function describeChainFailure(rt: CaseRuntime, spec: ChainSpec, failures: readonly (OracleFailure | CheckFailure)[], steps: readonly SentStep[]): string {
  const secrets = rt.secrets();
  const lines = [
    `${rt.service} chain ${spec.kind} on ${spec.resource}: ${[...new Set(failures.map((f) => f.check))].join(', ')}`,
    ...failures.map((f) => `  - [${f.check}] ${mask(f.message, secrets)}`),
    ...(spec.ignore?.length ? [`  ignored: ${spec.ignore.map((i) => `${i.pointer} (${i.by})`).join('; ')}`] : []),
    '  sequence:',
  ];
  steps.forEach((s, i) => {
    lines.push(`  ${i + 1}. ${s.step}: ${s.method} ${s.path} -> ${s.status} (expected ${s.expect})`);
    lines.push(`     body: ${mask(excerpt(s.bodyText, 300), secrets)}`);
    lines.push(`     reproduce: ${s.curl}`);
  });
  return lines.join('\n');
}
