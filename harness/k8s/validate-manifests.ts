import { dirname, join } from 'node:path';
import ts from 'typescript';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { Service } from 'kubernetes-models/v1/Service';

/**
 * Offline checks of a rendered manifest against the Kubernetes API's own definitions, as
 * kubernetes-models generates them from the Kubernetes OpenAPI document:
 *
 * - `schema`: its ajv validator (types, required fields, enums, formats). It does not refuse an
 *   unknown field: the generated schemas leave `additionalProperties` open.
 * - `fields`: unknown fields, refused as `kubectl apply --validate=strict` does, by the
 *   TypeScript checker: each manifest as an object literal typed with kubernetes-models'
 *   interface of its kind, where an excess property is an error at every depth.
 */

export interface ManifestProblem {
  /** `Deployment/query-seeded` */
  manifest: string;
  /** JSON pointer into the manifest. */
  pointer: string;
  /** `fields`: an unknown field; `types`: another error of the TypeScript check (the schema check mostly says the same). */
  check: 'kind' | 'schema' | 'fields' | 'types';
  message: string;
}

type Json = Record<string, unknown>;

/** kind -> the model that validates it and the module/interface that types it. */
const KINDS: Record<string, { apiVersion: string; model: { new (data: never): { validate(): void } }; module: string; type: string }> = {
  Namespace: { apiVersion: 'v1', model: Namespace as never, module: 'kubernetes-models/v1/Namespace', type: 'INamespace' },
  Service: { apiVersion: 'v1', model: Service as never, module: 'kubernetes-models/v1/Service', type: 'IService' },
  ConfigMap: { apiVersion: 'v1', model: ConfigMap as never, module: 'kubernetes-models/v1/ConfigMap', type: 'IConfigMap' },
  Deployment: { apiVersion: 'apps/v1', model: Deployment as never, module: 'kubernetes-models/apps/v1/Deployment', type: 'IDeployment' },
  Job: { apiVersion: 'batch/v1', model: Job as never, module: 'kubernetes-models/batch/v1/Job', type: 'IJob' },
};

const label = (m: Json): string => `${String(m.kind)}/${String((m.metadata as Json | undefined)?.name ?? '?')}`;

function checkSchema(m: Json): ManifestProblem[] {
  const kind = KINDS[String(m.kind)];
  if (!kind || kind.apiVersion !== m.apiVersion) {
    return [{ manifest: label(m), pointer: '/kind', check: 'kind', message: `${String(m.apiVersion)} ${String(m.kind)} is not a kind the run renders` }];
  }
  try {
    new kind.model(m as never).validate();
    return [];
  } catch (err) {
    // kubernetes-models' message: "data/spec/replicas must be integer, ..."
    return String((err as Error).message)
      .split(', ')
      .map((part) => {
        const at = /^data(\S*) (.*)$/.exec(part);
        return { manifest: label(m), pointer: at?.[1] ?? '', check: 'schema' as const, message: at?.[2] ?? part };
      });
  }
}

/** The JSON pointer of the property or element at `pos` in an object literal. */
function pointerAt(node: ts.Node, pos: number, sf: ts.SourceFile): string {
  let path = '';
  const visit = (n: ts.Node): void => {
    const children: ts.Node[] = [];
    ts.forEachChild(n, (c) => void children.push(c));
    const child = children.find((c) => pos >= c.getStart(sf) && pos < c.getEnd());
    if (!child) return;
    if (ts.isPropertyAssignment(child) && ts.isStringLiteral(child.name)) path += `/${child.name.text.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (ts.isArrayLiteralExpression(n)) path += `/${children.indexOf(child)}`;
    visit(child);
  };
  visit(node);
  return path;
}

/** TS2353: Object literal may only specify known properties. */
const EXCESS_PROPERTY = 2353;

const compilerOptions: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, types: [] };

function checkFields(manifests: Json[]): ManifestProblem[] {
  const known = manifests.map((m, i) => ({ m, i, kind: KINDS[String(m.kind)] })).filter((x) => x.kind && x.kind.apiVersion === x.m.apiVersion);
  if (known.length === 0) return [];
  // a virtual file beside this one, so that `kubernetes-models` resolves from here
  const file = join(dirname(require.resolve('kubernetes-models/package.json')), '..', '..', '__manifests__.ts');
  const imports = [...new Set(known.map((x) => x.kind))].map((k) => `import type { ${k!.type} } from '${k!.module}';`);
  const decls = known.map((x) => `export const m${x.i}: ${x.kind!.type} = ${JSON.stringify(x.m, null, 1)};`);
  const text = `${imports.join('\n')}\n${decls.join('\n')}\n`;
  const host = ts.createCompilerHost(compilerOptions);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === file ? text : readFile(f));
  host.fileExists = ((exists) => (f: string) => f === file || exists(f))(host.fileExists.bind(host));
  host.getSourceFile = (f, lang, ...rest) => (f === file ? ts.createSourceFile(f, text, lang, true) : getSourceFile(f, lang, ...rest));
  const program = ts.createProgram([file], compilerOptions, host);
  const sf = program.getSourceFile(file)!;
  const statements = sf.statements.filter(ts.isVariableStatement);
  return ts.getPreEmitDiagnostics(program, sf).map((d) => {
    const pos = d.start ?? 0;
    const at = statements.findIndex((s) => pos >= s.getStart(sf) && pos < s.getEnd());
    const decl = statements[at]?.declarationList.declarations[0];
    const m = known[at]?.m ?? {};
    const message = ts.flattenDiagnosticMessageText(d.messageText, ' ').replace(/'"([^"]+)"'/g, "'$1'");
    return {
      manifest: label(m),
      pointer: decl?.initializer ? pointerAt(decl.initializer, pos, sf) : '',
      check: d.code === EXCESS_PROPERTY ? ('fields' as const) : ('types' as const),
      message,
    };
  });
}

/** Every problem of every manifest; empty when all are valid. */
export function validateManifests(manifests: Json[]): ManifestProblem[] {
  return [...manifests.flatMap(checkSchema), ...checkFields(manifests)];
}

export const formatProblem = (p: ManifestProblem): string => `${p.manifest}#${p.pointer} (${p.check}): ${p.message}`;
