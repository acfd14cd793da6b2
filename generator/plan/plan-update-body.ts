import type { OperationIr, ServiceIr } from '../ir/types';
import type { UniqueString } from '../../harness/runtime/case-types';
import type { Resolved } from './request-values';
import { findPatternMatch, findUniqueStrings, sampleSchema, schemaType } from './sample-value';

/**
 * The body of an update a chain can check: every field it sends differs from what the create
 * sent, so a read that still shows the old value is caught. A PUT sends the fields the create
 * sent (and whatever it requires), or one field of its own when it shares none with the create;
 * a PATCH sends one field (and whatever it requires), so the fields it leaves out can be checked
 * unchanged. Strings are made unique at run time.
 */
export function planUpdateBody(ir: ServiceIr, op: OperationIr, created: unknown, createdDefaults: Record<string, unknown> = {}): Resolved<{ value: Record<string, unknown>; unique?: UniqueString[] }> {
  const record = op.body?.record;
  if (!op.body || !record || record.properties.length === 0) return { ok: false, reason: `${op.method.toUpperCase()} ${op.path} takes no object body to change a record with` };
  const before = created !== null && typeof created === 'object' ? (created as Record<string, unknown>) : {};
  const value: Record<string, unknown> = {};
  const changeable = record.properties.filter((p) => !p.readOnly && p.resolved.format !== 'uuid');
  // a field the create did not send holds its default: the update must differ from that
  const current = (name: string) => (name in before ? before[name] : createdDefaults[name]);
  const oneChangeable = () => changeable.filter((p) => changedValue(p.resolved, current(p.name)) !== undefined).slice(0, 1);
  const resent = changeable.filter((p) => p.name in before || record.required.includes(p.name));
  // a PUT whose fields the create did not send (Unleash's tag types: created by name, updated by description) changes one of its own
  const wanted = op.method === 'patch' || resent.length === 0 ? oneChangeable() : resent;
  for (const p of changeable) {
    if (!wanted.includes(p) && !record.required.includes(p.name)) continue;
    const changed = changedValue(p.resolved, current(p.name));
    if (changed !== undefined) {
      value[p.name] = changed;
      continue;
    }
    const sampled = sampleSchema(ir.document, p.schema, { forRequest: true });
    if (!sampled.ok) return { ok: false, reason: `cannot sample /${p.name} of the update: ${sampled.reason}` };
    value[p.name] = sampled.value;
  }
  if (Object.keys(value).length === 0) return { ok: false, reason: `no field of ${op.method.toUpperCase()} ${op.path} can be given a value that differs from the created one` };
  const unique = findUniqueStrings(ir.document, op.body.schema, value);
  return { ok: true, value: { value, ...(unique.length ? { unique } : {}) } };
}

const FORMAT_VALUES: Record<string, [string, string]> = {
  'date-time': ['2026-03-04T05:06:07Z', '2026-03-05T05:06:07Z'],
  date: ['2026-03-04', '2026-03-05'],
  email: ['harness-updated@example.com', 'harness-other@example.com'],
  uri: ['https://example.com/harness-updated', 'https://example.com/harness-other'],
  url: ['https://example.com/harness-updated', 'https://example.com/harness-other'],
};

/** A valid value other than `before` for a scalar schema; undefined when none can be found. */
export function changedValue(schema: Record<string, unknown>, before: unknown): unknown {
  if (Array.isArray(schema.enum)) return schema.enum.find((v) => v !== null && v !== before);
  switch (schemaType(schema)) {
    case 'boolean':
      return typeof before === 'boolean' ? !before : false;
    case 'integer':
    case 'number': {
      const step = typeof schema.multipleOf === 'number' ? schema.multipleOf : 1;
      const base = typeof before === 'number' ? before : typeof schema.minimum === 'number' ? schema.minimum : 1;
      const up = base + step;
      const fits = (n: number) => (typeof schema.maximum !== 'number' || n <= schema.maximum) && (typeof schema.exclusiveMaximum !== 'number' || n < schema.exclusiveMaximum);
      const down = base - step;
      const fitsLow = (n: number) => (typeof schema.minimum !== 'number' || n >= schema.minimum) && (typeof schema.exclusiveMinimum !== 'number' || n > schema.exclusiveMinimum);
      return fits(up) ? up : fitsLow(down) ? down : undefined;
    }
    case 'string': {
      const format = typeof schema.format === 'string' ? schema.format : undefined;
      if (format) {
        const pair = FORMAT_VALUES[format];
        return pair ? (pair[0] === before ? pair[1] : pair[0]) : undefined;
      }
      const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
      const max = typeof schema.maxLength === 'number' ? schema.maxLength : undefined;
      if (typeof schema.pattern === 'string') {
        const found = findPatternMatch(schema.pattern, min, max);
        return found !== undefined && found !== before ? found : undefined;
      }
      let text = 'updated';
      while (text.length < min) text += 'x';
      if (max !== undefined) text = text.slice(0, max);
      return text !== before && text.length >= min ? text : undefined;
    }
    default:
      return undefined;
  }
}
