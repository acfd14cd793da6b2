/**
 * One escaping function per output context (CODEGEN-SAFETY.md). Handlebars' own `{{ }}` escaping
 * is HTML escaping and protects nothing in TypeScript, so templates are compiled with `noEscape`
 * and every spec value reaches the output through exactly one of these.
 */

/** Characters that are legal in source yet dangerous to readers or parsers: non-ASCII, line and paragraph separators, bidi controls. */
const NON_ASCII = /[^\x20-\x7e]/g;

function toUnicodeEscape(ch: string): string {
  return '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0');
}

/**
 * A TypeScript string literal: JSON.stringify (double quotes, `\`, control characters and lone
 * surrogates escaped), then every non-ASCII code unit as `\uXXXX` so U+2028, bidi controls and NUL
 * can neither end a line nor hide code. Never a template literal, so `${` is inert.
 */
export function escapeString(value: unknown): string {
  if (typeof value !== 'string') throw new TypeError(`string literal helper expects a string, got ${typeof value}`);
  return JSON.stringify(value).replace(NON_ASCII, toUnicodeEscape);
}

/**
 * Text inside a `/** ... *\/` block: `*\/` cannot close it, every line is prefixed with ` * ` so a
 * newline (LF, CR, U+2028/9, NEL) cannot start a statement, and non-ASCII is spelled `\uXXXX`.
 * Returns the inner lines without the opening and closing markers.
 */
export function escapeComment(value: unknown, indent = ''): string {
  const text = String(value)
    .replace(/\*\//g, '*\\/')
    .replace(/\/\*/g, '/\\*');
  return text
    .split(/\r\n|[\n\r\u2028\u2029\u0085]/)
    .map((line) => `${indent} * ${line.replace(/[\x00-\x1f\x7f]/g, ' ').replace(NON_ASCII, toUnicodeEscape)}`.trimEnd())
    .join('\n');
}

/** A `//` line comment's text: one line, no terminators, no control characters. */
export function escapeLineComment(value: unknown): string {
  return String(value)
    .replace(/[\x00-\x1f\x7f\u2028\u2029\u0085]/g, ' ')
    .replace(NON_ASCII, toUnicodeEscape);
}

export const RESERVED_WORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with as implements interface let ' +
    'package private protected public static yield await async of type from declare namespace module any unknown never object ' +
    'string number boolean symbol bigint undefined keyof readonly infer is asserts abstract constructor require global arguments eval ' +
    'then prototype __proto__ NaN Infinity'
  ).split(' '),
);

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * An identifier the plan already sanitised: checked again here, like ajv's `Name`, so a raw spec
 * string can never be emitted as code even if a plan bug passed one through.
 */
export function escapeIdentifier(value: unknown): string {
  if (typeof value !== 'string' || !IDENTIFIER.test(value) || RESERVED_WORDS.has(value)) {
    throw new Error(`refusing to emit ${JSON.stringify(value)} as an identifier`);
  }
  return value;
}

/**
 * An object key: always a quoted string. `__proto__` as a plain key in an object literal sets the
 * prototype, so it becomes a computed key, which defines an own property.
 */
export function escapeKey(value: unknown): string {
  const key = escapeString(String(value));
  return value === '__proto__' ? `[${key}]` : key;
}

/**
 * JSON data as a TypeScript expression: strings through `escapeString`, keys through `escapeKey`,
 * numbers as JSON. `default`/`example` values of any type become data, never code.
 */
export function escapeData(value: unknown, indent = ''): string {
  const flat = escapeDataFlat(value);
  if (flat.length + indent.length <= 100) return flat;
  const inner = indent + '  ';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + escapeData(v, inner)).join(',\n')},\n${indent}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${escapeKey(k)}: ${escapeData(v, inner)}`).join(',\n')},\n${indent}}`;
  }
  return escapeScalar(value);
}

/** The same data on one line, for short values. */
function escapeDataFlat(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(escapeDataFlat).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, v]) => `${escapeKey(k)}: ${escapeDataFlat(v)}`).join(', ')} }`;
  }
  return escapeScalar(value);
}

function escapeScalar(value: unknown): string {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : 'null';
  if (typeof value === 'string') return escapeString(value);
  return 'null';
}

/** Sanitise any text into an ASCII identifier; reserved words get a trailing `_`. Collisions are the caller's (see names.ts). */
export function toIdentifier(raw: string, style: 'camel' | 'keep' = 'keep'): string {
  let id: string;
  if (style === 'camel') {
    const words = raw.split(/[^A-Za-z0-9]+/).filter(Boolean);
    id = words.map((w, i) => (i === 0 ? w[0]!.toLowerCase() + w.slice(1) : w[0]!.toUpperCase() + w.slice(1))).join('');
  } else {
    id = raw.replace(/[^A-Za-z0-9_$]/g, '_');
  }
  if (id === '') id = '_';
  if (/^[0-9]/.test(id)) id = '_' + id;
  if (RESERVED_WORDS.has(id)) id += '_';
  return id;
}
