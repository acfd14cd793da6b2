import type { OpenApiVersion } from '../load/load-spec';

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

/**
 * What an operation does to its resource, derived from method, path shape and responses.
 * `list` reads a collection (2xx body is an array); `read` one record or a singleton;
 * `create` a POST to a collection; `action` any other POST (`/orders/{id}/cancel`, `/evaluate`).
 */
export type OperationRole = 'list' | 'read' | 'create' | 'update' | 'delete' | 'action';

/** A JSON Schema as it appears in the document: local `$ref`s kept, resolved on demand. */
export type SchemaNode = unknown;

export interface ParameterIr {
  name: string;
  in: ParameterLocation;
  required: boolean;
  schema: SchemaNode;
  /** The schema with its `$ref` followed, for the constraints (type, format, pattern, bounds). */
  resolved: Record<string, unknown>;
  /** First example from the parameter (`example`, then `examples`), if any. */
  example?: { value: unknown };
  /** `x-filter-of: <property>`: the listed items' property this parameter filters by (a path parameter: holds). */
  filterOf?: string;
}

export interface BodyIr {
  required: boolean;
  contentType: string;
  schema: SchemaNode;
  example?: { value: unknown };
  /** The body's record, when it is an object. */
  record?: RecordShapeIr;
}

export interface ResponseIr {
  /** `200`, `2XX` or `default`, as written. */
  status: string;
  /** The JSON media type, if the response documents one. */
  contentType?: string;
  schema?: SchemaNode;
  /** The body's record, when it is an object (allOf merged). */
  record?: RecordShapeIr;
  /** OAS 3.x 4.8.20 Link Objects by operationId, sorted by name: which response value feeds which parameter. */
  links?: LinkIr[];
}

export interface LinkIr {
  name: string;
  operationId: string;
  /** Parameter name -> runtime expression (`$response.body#/id`). */
  parameters: Record<string, string>;
}

/**
 * A resource inferred from the paths (or named by links): a collection with a create, the item
 * path that reads one record, and what else acts on it. Chains are planned per resource.
 */
export interface ResourceIr {
  /** The collection path: `/watchlists`, `/companies/{companyId}/aliases`. */
  collection: string;
  create: OperationIr;
  read?: OperationIr;
  /** The item path's id parameter, and the created record's field that feeds it. */
  itemParam?: string;
  idField: string;
  /** PUT and PATCH on the item, in that order. */
  updates: OperationIr[];
  delete?: OperationIr;
  list?: OperationIr;
  /** A nested collection's parent id parameters (`companyId`), outermost first. */
  parentParams: string[];
  /** The read and id field come from a link of the create's response, not from path inference. */
  linked: boolean;
}

/** One property of a record, resolved. */
export interface PropertyIr {
  name: string;
  /** As written (a `$ref` kept), for the sampler. */
  schema: SchemaNode;
  resolved: Record<string, unknown>;
  /** Only in responses (OAS 3.x 4.8.24): never sent, never compared with what was sent. */
  readOnly: boolean;
  /** Only in requests: never comes back. */
  writeOnly: boolean;
}

/** An object schema's properties, allOf parts merged one level, in document order. */
export interface RecordShapeIr {
  properties: PropertyIr[];
  /** Required properties a request must send (readOnly ones left out). */
  required: string[];
  /** Every property name, nested allOf parts included: where an id field may be. */
  names: string[];
}

/** Where the records of a list response are: the body itself, or one array property of it. */
export interface ListShapeIr {
  items: SchemaNode;
  /** The wrapping property (`{"projects": [...]}`); absent when the body is the array. */
  listProperty?: string;
  record?: RecordShapeIr;
}

/** A query parameter that filters a list: the listed items' property that must equal its value. */
export interface ListFilterIr {
  param: string;
  property: string;
  /** `name`: the parameter's name and type match the property's; `x-filter-of`: the spec says so; `config`: the config does. */
  by: 'name' | 'x-filter-of' | 'config';
  /** The parameter's `pattern`: a value it is sent must match it (`^(IS|IS_ANY_OF):` is an operator syntax, not the property's plain value). */
  pattern?: string;
}

/** How a list pages: by an offset, a page number (the first is `first`), or a cursor the response hands out. */
export type ListPagingIr =
  | { kind: 'offset'; param: string }
  | { kind: 'page'; param: string; first: number }
  | { kind: 'cursor'; param: string; cursorField: string };

/** What a list's parameters mean (generator/ir/list-parameters.ts). */
export interface ListParametersIr {
  filters: ListFilterIr[];
  pageSize?: { param: string; maximum?: number; minimum?: number };
  paging?: ListPagingIr;
  /** Each path parameter of a nested list: the child property that carries it, or why none does. */
  parents: ({ param: string; property: string } | { param: string; reason: string })[];
  /** Query parameters that are none of these, and why. */
  others: { param: string; reason: string }[];
}

export interface OperationIr {
  operationId: string;
  /** Set when the document had no operationId, or a duplicate: the name is then derived. */
  operationIdNote?: string;
  method: HttpMethod;
  path: string;
  /** `/paths/~1companies~1{companyId}/get` */
  pointer: string;
  tags: string[];
  summary?: string;
  parameters: Record<ParameterLocation, ParameterIr[]>;
  body?: BodyIr;
  /** Sorted: numeric statuses ascending, then ranges (`2XX`), then `default`. */
  responses: ResponseIr[];
  /** The first 2xx body as a list, plain or wrapped; absent when it is neither. */
  list?: ListShapeIr;
  /** A GET whose 2xx body is a list: what its query and path parameters mean. */
  listParameters?: ListParametersIr;
  role: OperationRole;
  /** The last path parameter: the id of the record an item operation acts on. */
  itemIdParam?: string;
  /** The collection path of an item path (`/companies` for `/companies/{companyId}`). */
  collectionPath?: string;
  /** Documented statuses the baseline cases target. */
  documents: { notFound: boolean; validation: string[] };
  /** Problems confined to this operation (odd path template...); its cases are skipped. */
  problems: string[];
}

export interface ServiceIr {
  name: string;
  title: string;
  version: OpenApiVersion;
  versionString: string;
  /** The bundled document: the one place schema `$ref`s resolve against. */
  document: Record<string, unknown>;
  /** Sorted by path, then method (the manifest's order). */
  operations: OperationIr[];
  /** Sorted by collection path. */
  resources: ResourceIr[];
  /** `components.schemas` names, sorted. */
  schemaNames: string[];
  warnings: string[];
}
