import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { escapeComment, escapeData, escapeIdentifier, escapeKey, escapeLineComment, escapeString } from './escape';

/** The only helpers a template may call; everything else (`each`, `if`) is a Handlebars built-in. */
const HELPERS = {
  str: (v: unknown) => escapeString(v),
  comment: (v: unknown) => escapeComment(v),
  lineComment: (v: unknown) => escapeLineComment(v),
  ident: (v: unknown) => escapeIdentifier(v),
  key: (v: unknown) => escapeKey(v),
  data: (v: unknown, indent: unknown) => escapeData(v, typeof indent === 'string' ? indent : ''),
} as const;

const BLOCKS = new Set(['#each', '/each', '#if', '/if', 'else', '#unless', '/unless']);

/**
 * Every `{{ }}` must be a block keyword, a partial or one of the escaping helpers: a bare
 * `{{value}}` would print spec text unescaped (noEscape is on), so it is refused at load time.
 */
export function checkTemplate(name: string, source: string): void {
  for (const m of source.matchAll(/\{\{\{?~?\s*([^\s}]+)/g)) {
    const head = m[1] ?? '';
    if (m[0].startsWith('{{{')) throw new Error(`template ${name}: triple-stash is not allowed`);
    if (BLOCKS.has(head) || head.startsWith('>') || head.startsWith('!')) continue;
    if (!(head in HELPERS)) throw new Error(`template ${name}: "{{${head}" is not an escaping helper`);
  }
}

let hb: typeof Handlebars | undefined;
const compiled = new Map<string, Handlebars.TemplateDelegate>();

/** A private Handlebars instance: no global helpers or partials leak in or out. */
function instance(): typeof Handlebars {
  if (!hb) {
    hb = Handlebars.create();
    hb.registerHelper(HELPERS as unknown as Handlebars.HelperDeclareSpec);
  }
  return hb;
}

/** Render a template from emit/templates/ with a view model; templates hold no logic. */
export function renderTemplate(name: string, view: object): string {
  let template = compiled.get(name);
  if (!template) {
    const source = readFileSync(join(__dirname, 'templates', `${name}.hbs`), 'utf8');
    checkTemplate(name, source);
    const knownHelpers = Object.fromEntries(Object.keys(HELPERS).map((h) => [h, true]));
    template = instance().compile(source, { strict: true, noEscape: true, knownHelpersOnly: true, knownHelpers });
    compiled.set(name, template);
  }
  // Handlebars may not walk the prototype chain (allowProtoPropertiesByDefault is off), but the view is plain data anyway.
  return template(view);
}
