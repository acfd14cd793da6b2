import { SpecError, isRecord } from '../spec-error';

interface ConvertResult {
  openapi: Record<string, unknown>;
}
type ConvertObj = (doc: unknown, options: Record<string, unknown>) => Promise<ConvertResult>;

/**
 * Swagger 2.0 -> OpenAPI 3.0 with swagger2openapi (which has no type declarations). Refs were
 * bundled before, so its own resolver stays off: it never reads files or the network.
 */
export async function convertSwagger2(file: string, doc: Record<string, unknown>): Promise<Record<string, unknown>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { convertObj } = require('swagger2openapi') as { convertObj: ConvertObj };
  try {
    const result = await convertObj(structuredClone(doc), { patch: true, warnOnly: true, resolve: false, direct: false });
    if (!isRecord(result.openapi)) throw new Error('conversion produced no document');
    return result.openapi;
  } catch (err) {
    throw new SpecError(file, '', `Swagger 2.0 document could not be converted to OpenAPI 3.0: ${(err as Error).message}`);
  }
}
