import { readFileSync } from 'node:fs';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

/**
 * Test helper: checks a response against the operation's documented response in an OpenAPI 3.1
 * document: the status must be documented, and a JSON body must validate against its schema.
 * One Ajv instance per document; validators compiled lazily and cached.
 */
type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const DOC_ID = 'urn:risk:contract-doc';

export interface ContractViolation {
  operation: string;
  status: number;
  problems: string[];
}

export class ContractChecker {
  private readonly doc: Json;
  private readonly ajv: Ajv2020;
  private readonly cache = new Map<string, ValidateFunction>();
  private readonly routes: { method: string; template: string; regex: RegExp; op: Json }[] = [];

  constructor(specFile: string) {
    this.doc = parseYaml(readFileSync(specFile, 'utf8')) as Json;
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOC_ID, components: this.doc.components });
    for (const [template, item] of Object.entries(this.doc.paths as Json)) {
      const pattern = template.replace(/\{[^}]+\}/g, '[^/]+');
      for (const method of METHODS) {
        if (item[method]) this.routes.push({ method: method.toUpperCase(), template, regex: new RegExp(`^${pattern}$`), op: item[method] });
      }
    }
    // Literal paths before templated ones, as a router would.
    this.routes.sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
  }

  private resolve(node: Json): { node: Json; pointer?: string } {
    let pointer: string | undefined;
    while (typeof node?.$ref === 'string') {
      pointer = node.$ref as string;
      node = pointer
        .replace(/^#\//, '')
        .split('/')
        .reduce((acc: Json, key) => acc?.[key.replace(/~1/g, '/').replace(/~0/g, '~')], this.doc);
    }
    return { node, pointer };
  }

  /** Problems with this exchange, or [] when it matches the contract. */
  check(method: string, path: string, status: number, body: unknown, contentType: string): ContractViolation | undefined {
    const pathname = path.split('?')[0] ?? path;
    const route = this.routes.find((r) => r.method === method && r.regex.test(pathname));
    if (!route) return { operation: `${method} ${pathname}`, status, problems: ['no documented operation'] };
    const operation = String(route.op.operationId);
    const documented = route.op.responses?.[String(status)];
    if (!documented) return { operation, status, problems: [`status ${status} is not documented`] };
    const { node: response, pointer } = this.resolve(documented);
    const media = response.content?.['application/json'];
    if (!media) return status === 204 && body === '' ? undefined : { operation, status, problems: ['body where none is documented'] };
    if (!contentType.includes('application/json')) return { operation, status, problems: [`content-type ${contentType}`] };
    const key = pointer ?? `#/paths/${route.template.replace(/~/g, '~0').replace(/\//g, '~1')}/${method.toLowerCase()}/responses/${status}`;
    let validate = this.cache.get(key);
    if (!validate) {
      // Refs in the schema point into the document: rebase them onto the registered components.
      const schema = JSON.parse(JSON.stringify(media.schema).replace(/"#\/components\//g, `"${DOC_ID}#/components/`));
      validate = this.ajv.compile(schema);
      this.cache.set(key, validate);
    }
    if (validate(body)) return undefined;
    return {
      operation,
      status,
      problems: (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`),
    };
  }
}
