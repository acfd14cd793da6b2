import { escapeComment, escapeData, escapeIdentifier, escapeKey, escapeLineComment, escapeString, toIdentifier } from '../emit/escape';
import { checkTemplate } from '../emit/render';

/** given a hostile value, want exactly this output (CODEGEN-SAFETY.md, one helper per context). */
const strings: [string, { given: string; want: string }][] = [
  ['quotes and backslash', { given: `a'b"c\\`, want: `"a'b\\"c\\\\"` }],
  ['template-literal syntax stays inert', { given: '`${globalThis.__pwned = 1}`', want: '"`${globalThis.__pwned = 1}`"' }],
  ['line terminators', { given: 'a\nb\rc\u2028d\u2029e', want: '"a\\nb\\rc\\u2028d\\u2029e"' }],
  ['bidi control and NUL', { given: 'x\u202ey\u0000', want: '"x\\u202ey\\u0000"' }],
  ['lone surrogate', { given: 'a\ud800b', want: '"a\\ud800b"' }],
  ['non-ASCII letters', { given: 'café', want: '"caf\\u00e9"' }],
  ['query string is not HTML-escaped', { given: 'a=1&b=2', want: '"a=1&b=2"' }],
];

const comments: [string, { given: string; want: string }][] = [
  ['closing a comment', { given: '*/ globalThis.__pwned = 1; /*', want: ' * *\\/ globalThis.__pwned = 1; /\\*' }],
  ['newlines become prefixed lines', { given: 'a\nb\r\nc\u2028d', want: ' * a\n * b\n * c\n * d' }],
  ['controls and bidi', { given: 'x\u202ey\u0000z', want: ' * x\\u202ey z' }],
];

const lineComments: [string, { given: string; want: string }][] = [
  ['newline cannot end the comment', { given: 'a\nglobalThis.__pwned = 1', want: 'a globalThis.__pwned = 1' }],
  ['U+2028 cannot end the comment', { given: 'a\u2028b', want: 'a b' }],
];

const identifiers: [string, { given: string; want: string }][] = [
  ['reserved word', { given: 'delete', want: 'delete_' }],
  ['collides with a promise', { given: 'then', want: 'then_' }],
  ['code', { given: 'x"]; globalThis.__pwned = 1; //', want: "x____globalThis___pwned___1____" }],
  ['leading digit', { given: '0a', want: '_0a' }],
  ['non-ASCII', { given: 'naïve', want: 'na_ve' }],
  ['empty', { given: '', want: '_' }],
];

const keys: [string, { given: string; want: string }][] = [
  ['__proto__ becomes a computed key (an own property)', { given: '__proto__', want: '["__proto__"]' }],
  ['empty key', { given: '', want: '""' }],
  ['dashes', { given: 'x-api-key', want: '"x-api-key"' }],
  ['constructor', { given: 'constructor', want: '"constructor"' }],
];

describe('escaping helpers', () => {
  test.each(strings)('string literal: %s', (_n, { given, want }) => {
    expect(escapeString(given)).toBe(want);
    expect(eval(escapeString(given))).toBe(given); // the value is preserved exactly
  });
  test.each(comments)('block comment: %s', (_n, { given, want }) => expect(escapeComment(given)).toBe(want));
  test.each(lineComments)('line comment: %s', (_n, { given, want }) => expect(escapeLineComment(given)).toBe(want));
  test.each(identifiers)('identifier: %s', (_n, { given, want }) => {
    expect(toIdentifier(given)).toBe(want);
    expect(escapeIdentifier(toIdentifier(given))).toBe(want);
  });
  test.each(keys)('object key: %s', (_n, { given, want }) => expect(escapeKey(given)).toBe(want));

  test('the identifier helper refuses anything the plan did not sanitise', () => {
    for (const raw of ['delete', 'a b', 'x;y', '', '1a']) expect(() => escapeIdentifier(raw)).toThrow(/refusing/);
  });

  test('data keeps __proto__ as an own property and values exactly', () => {
    const given = JSON.parse('{"__proto__": {"polluted": 1}, "s": "`${x}`\\u2028", "n": [1, null, true]}') as unknown;
    const code = escapeData(given);
    const value = eval(`(${code})`) as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(value).toEqual(given);
    expect(Object.keys(value)).toEqual(['__proto__', 's', 'n']);
  });

  test('templates may only print through the escaping helpers', () => {
    expect(() => checkTemplate('t', '{{name}}')).toThrow(/not an escaping helper/);
    expect(() => checkTemplate('t', '{{{str name}}}')).toThrow(/triple-stash/);
    expect(() => checkTemplate('t', '{{#each xs}}{{str this}}{{/each}}')).not.toThrow();
  });
});
