import { randomInt, type Random } from '../../edge/simulator/random.js';

/**
 * Malformed requests generated from an OpenAPI 3 document: each operation's parameters and JSON
 * request body are read from the document, so a route registered later is fuzzed without being
 * named here. A case starts from a request the schemas accept (valid values derived from each
 * schema, or taken from the test's fixtures by parameter name) and breaks one thing in it.
 */

/** The part of JSON Schema the API's schemas use (fastify-type-provider-zod's output). */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
  nullable?: boolean;
}

interface OpenApiParameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: JsonSchema;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: OpenApiParameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
}

export interface Operation {
  /** "PUT /api/v1/gateways/{id}/config" */
  key: string;
  method: string;
  /** The OpenAPI path template. */
  path: string;
  pathParams: OpenApiParameter[];
  queryParams: OpenApiParameter[];
  /** The application/json request body's schema; undefined when the operation takes no body. */
  body: JsonSchema | undefined;
}

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'options', 'head']);

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.entries(operations)
      .filter(([method]) => METHODS.has(method))
      .map(([method, operation]) => {
        const parameters = operation.parameters ?? [];
        return {
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          pathParams: parameters.filter((parameter) => parameter.in === 'path'),
          queryParams: parameters.filter((parameter) => parameter.in === 'query'),
          body: operation.requestBody?.content?.['application/json']?.schema,
        };
      }),
  );
}

/** Values of the test's own records (an estate id, a ticket id), by parameter name; the first that fits the schema is used. */
export type KnownValues = Readonly<Record<string, readonly string[]>>;

export interface FuzzCase {
  /** What was broken, e.g. "body.wrong_type", for the summary and failure messages. */
  kind: string;
  /** Which pass through the operation's kinds of case this is: 0, 1, 2… */
  round: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

/** 64 KiB is the API's body limit (cloud/api/app.ts); these stay well inside it, or well past it. */
const INSIDE_BODY_LIMIT_CHARS = 60_000;
const PAST_BODY_LIMIT_CHARS = 100_000;

/** Text a client may send as it is: astral-plane emoji, an RTL override, stacked combining marks, NUL, non-characters, a zero-width space, a long ligature. */
const UNICODE_STRINGS = ['💥🏠👵🏻', '\u202etxt.exe', 'e\u0301\u0301\u0301', 'a\u0000b', '\uffff\ufffe', '𝕏𝕐ℤ', '住户\u200b关怀', 'ﷺ'.repeat(50)];
/** JSON texts of a lone surrogate and of control characters: valid JSON, not valid Unicode text. */
const RAW_JSON_STRINGS = ['"\\ud800"', '"\\udfff\\ud800"', '"x\\u0000y"', '"\\u001b[31m"'];

const MALFORMED_JSON = ['{', '{"a":', "{'a': 1}", '{"a": 1,}', '[1, 2', 'nul', '"unterminated', '{"a": 1}}', '\ufeff{"a":1}', '{"a": NaN}', '{"a": 01}', '{"a" 1}', '\u0000'];
const NON_OBJECT_JSON = ['null', '[]', '[{}]', '"text"', '42', 'true', '-0'];
const PROTO_POISON = ['{"__proto__": {"polluted": true}}', '{"constructor": {"prototype": {"polluted": true}}}', '{"a": {"__proto__": {"b": 1}}}'];
const WRONG_CONTENT_TYPES: ReadonlyArray<{ type: string | undefined; payload: (json: string) => string }> = [
  { type: 'text/plain', payload: (json) => json },
  { type: 'application/xml', payload: () => '<?xml version="1.0"?><request><a>1</a></request>' },
  { type: undefined, payload: (json) => json },
  { type: 'application/x-www-form-urlencoded', payload: () => 'a=1&b=2' },
  { type: 'multipart/form-data; boundary=x', payload: () => '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--' },
  { type: 'application/json; charset=utf-16', payload: (json) => json },
  { type: 'application/json-patch+json', payload: (json) => json },
  { type: '', payload: (json) => json },
];
const BAD_PATH_SEGMENTS = ['', 'x'.repeat(300), '..', '../', '../../healthz', '..%2F..%2Fetc%2Fpasswd', '%2E%2E', '%00', 'a%00b', '%F0%9F%92%A5', '%E2%80%AEabc', '%ED%A0%80', '%', '%zz', 'A%20B', '%2F', '%5C..%5C', '-1', 'null', '%C0%AF'];
const BAD_QUERY_VALUES = ['', 'x'.repeat(300), 'y'.repeat(100_000), '%00', '%F0%9F%92%A5', '%ED%A0%80', '%E2%80%AE', '-1', '1e309', 'NaN', '0x10', '1.5', 'true', '[]', '{}', '..%2F', '%'];
const BAD_IF_MATCH: ReadonlyArray<string | undefined> = [undefined, '', '*', '"abc"', 'W/"x"', '"1", "2"', '"99999999999"', '"-1"', '"0"', '"１"', '"1', '1"', '"\u202e1"', 'x'.repeat(300)];
const UNKNOWN_QUERY = ['zz_unknown=1', '__proto__=1', 'constructor=x', 'purpose[]=a', '%00=1', '%F0%9F%92%A5=1', 'a=1&a=2&a=3'];
const WRONG_TYPES_OF: Record<string, readonly unknown[]> = {
  string: [123, true, null, [], {}, 1e308, ['a']],
  number: ['12', true, null, [], {}, 'NaN', '1e309'],
  integer: ['12', 1.5, true, null, [], {}, 2 ** 64],
  boolean: ['true', 1, 0, null, [], {}],
  object: ['text', 1, [], null, true],
  array: ['text', {}, 1, null, true],
};

/**
 * One request of each kind that applies to the operation, in turn, `count` in all; the variant of a
 * kind is drawn from random. The same operation, random seed and known values give the same cases.
 */
export function fuzzCases(operation: Operation, random: Random, count: number, known: KnownValues): FuzzCase[] {
  const kinds = caseKinds(operation);
  return Array.from({ length: count }, (_, index) => {
    const kind = kinds[index % kinds.length]!;
    return { ...kind.make(new CaseBuilder(operation, random, known)), kind: kind.name, round: Math.floor(index / kinds.length) };
  });
}

type CaseRequest = Omit<FuzzCase, 'kind' | 'round'>;
type CaseKind = { name: string; make: (builder: CaseBuilder) => CaseRequest };

/** fastify reads no body of these methods (fastify/lib/handle-request.js), so breaking one tests nothing. */
const BODYLESS_METHODS = new Set(['GET', 'HEAD']);

function caseKinds(operation: Operation): CaseKind[] {
  const kinds: CaseKind[] = [
    { name: 'headers.if_match', make: (b) => b.withIfMatch(pick(b.random, BAD_IF_MATCH)) },
    { name: 'headers.credentials', make: (b) => b.withAuthorization() },
    { name: 'querystring.unknown', make: (b) => b.withQuery(pick(b.random, UNKNOWN_QUERY)) },
  ];
  if (!BODYLESS_METHODS.has(operation.method)) {
    kinds.push(
      { name: 'body.malformed_json', make: (b) => b.withRawBody(pick(b.random, MALFORMED_JSON)) },
      { name: 'body.wrong_content_type', make: (b) => b.withWrongContentType() },
      { name: 'body.not_an_object', make: (b) => b.withRawBody(pick(b.random, NON_OBJECT_JSON)) },
      { name: 'body.empty', make: (b) => b.withRawBody('') },
      { name: 'body.past_limit', make: (b) => b.withField('x'.repeat(PAST_BODY_LIMIT_CHARS)) },
      { name: 'body.deep_nesting', make: (b) => b.withRawBody(`${'['.repeat(20_000)}${']'.repeat(20_000)}`) },
      { name: 'body.proto_poison', make: (b) => b.withRawBody(pick(b.random, PROTO_POISON)) },
      { name: 'body.unknown_field', make: (b) => b.withExtraField() },
      { name: 'body.nul_in_key', make: (b) => b.withExtraField('k\u0000ey') },
    );
  }
  if (operation.body) {
    kinds.push(
      { name: 'body.wrong_type', make: (b) => b.withField(undefined, (schema) => pick(b.random, WRONG_TYPES_OF[typeOf(schema)] ?? WRONG_TYPES_OF.object!)) },
      { name: 'body.missing_required', make: (b) => b.withoutRequiredField() },
      { name: 'body.huge_string', make: (b) => b.withField('é'.repeat(INSIDE_BODY_LIMIT_CHARS / 2)) },
      { name: 'body.unicode', make: (b) => b.withField(pick(b.random, UNICODE_STRINGS)) },
      { name: 'body.raw_json_string', make: (b) => b.withRawField(pick(b.random, RAW_JSON_STRINGS)) },
      { name: 'body.number_edge', make: (b) => b.withRawField(pick(b.random, ['1e309', '-1e309', '-0', '9007199254740993', '1e-400', '0.1e1'])) },
    );
  }
  if (operation.pathParams.length > 0) kinds.push({ name: 'params.bad', make: (b) => b.withBadPathParam() });
  if (operation.queryParams.length > 0) {
    kinds.push(
      { name: 'querystring.bad_value', make: (b) => b.withBadQueryValue() },
      { name: 'querystring.repeated', make: (b) => b.withRepeatedQueryParam() },
    );
  }
  if (operation.queryParams.some((parameter) => parameter.required)) kinds.push({ name: 'querystring.missing_required', make: (b) => b.withoutRequiredQuery() });
  return kinds;
}

/** A valid request of the operation, with one thing broken by a with… method. */
class CaseBuilder {
  private readonly pathValues: Map<string, string>;
  private readonly query: Array<[string, string]>;
  private readonly body: unknown;

  constructor(
    private readonly operation: Operation,
    readonly random: Random,
    private readonly known: KnownValues,
  ) {
    this.pathValues = new Map(operation.pathParams.map((parameter) => [parameter.name, encodeURIComponent(String(this.valid(parameter.schema ?? {}, parameter.name)))]));
    this.query = operation.queryParams.filter((parameter) => parameter.required).map((parameter) => [parameter.name, encodeURIComponent(String(this.valid(parameter.schema ?? {}, parameter.name)))]);
    this.body = operation.body ? this.valid(operation.body, 'body') : undefined;
  }

  withRawBody(payload: string): CaseRequest {
    return this.request({ payload, contentType: 'application/json' });
  }

  withWrongContentType(): CaseRequest {
    const { type, payload } = pick(this.random, WRONG_CONTENT_TYPES);
    return this.request({ payload: payload(JSON.stringify(this.body ?? {})), contentType: type });
  }

  withExtraField(name = `zz_${randomInt(this.random, 0, 999)}`): CaseRequest {
    const body = isObject(this.body) ? { ...this.body } : {};
    body[name] = pick(this.random, [1, 'x', null, { nested: true }]);
    return this.request({ payload: JSON.stringify(body), contentType: 'application/json' });
  }

  /** A value at a field the body schema declares (one chosen at random, nested ones too), or a new field when it declares none. */
  withField(value: unknown, valueFor?: (schema: JsonSchema) => unknown): CaseRequest {
    const body = structuredClone(isObject(this.body) ? this.body : {});
    const { path, schema } = this.fieldPath();
    setAt(body, path, valueFor ? valueFor(schema) : value);
    return this.request({ payload: JSON.stringify(body), contentType: 'application/json' });
  }

  /** JSON text spliced in as the value of a field: what JSON.stringify cannot write (a lone surrogate escape, 1e309). */
  withRawField(jsonText: string): CaseRequest {
    const marker = `__fuzz_${randomInt(this.random, 0, 1e9)}__`;
    const built = this.withField(marker);
    return { ...built, payload: built.payload!.replace(JSON.stringify(marker), jsonText) };
  }

  withoutRequiredField(): CaseRequest {
    const body = structuredClone(isObject(this.body) ? this.body : {});
    const candidates = requiredPaths(this.operation.body ?? {}, []);
    if (candidates.length > 0) deleteAt(body, pick(this.random, candidates));
    else for (const key of Object.keys(body)) delete body[key];
    return this.request({ payload: JSON.stringify(body), contentType: 'application/json' });
  }

  withIfMatch(value: string | undefined): CaseRequest {
    return this.request({ ifMatch: value });
  }

  /** Credentials that do not hold; sent in place of the caller's own (the test gives those). */
  withAuthorization(): CaseRequest {
    const authorization = pick(this.random, ['Bearer', 'Bearer ', 'Bearer garbage', `Bearer ${'a'.repeat(10_000)}`, 'Basic dXNlcjpwYXNz', 'Bearer a b', 'Bearer \u202e', 'bearer%00x']);
    return this.request({ authorization });
  }

  withQuery(extra: string): CaseRequest {
    return this.request({ extraQuery: extra });
  }

  withBadPathParam(): CaseRequest {
    const parameter = pick(this.random, this.operation.pathParams);
    return this.request({ pathOverride: [parameter.name, pick(this.random, BAD_PATH_SEGMENTS)] });
  }

  withBadQueryValue(): CaseRequest {
    const parameter = pick(this.random, this.operation.queryParams);
    return this.request({ queryOverride: [parameter.name, pick(this.random, BAD_QUERY_VALUES)] });
  }

  withRepeatedQueryParam(): CaseRequest {
    const parameter = pick(this.random, this.operation.queryParams);
    const value = encodeURIComponent(String(this.valid(parameter.schema ?? {}, parameter.name)));
    return this.request({ queryOverride: [parameter.name, value], extraQuery: `${encodeURIComponent(parameter.name)}=${value}` });
  }

  withoutRequiredQuery(): CaseRequest {
    const required = this.operation.queryParams.filter((parameter) => parameter.required);
    return this.request({ queryOmit: pick(this.random, required).name });
  }

  private request(change: {
    payload?: string;
    contentType?: string | undefined;
    ifMatch?: string | undefined;
    authorization?: string;
    extraQuery?: string;
    pathOverride?: [string, string];
    queryOverride?: [string, string];
    queryOmit?: string;
  }): CaseRequest {
    const path = this.operation.path.replace(/\{(\w+)\}/g, (_match, name: string) => (change.pathOverride?.[0] === name ? change.pathOverride[1] : this.pathValues.get(name)!));
    const query = this.query
      .filter(([name]) => name !== change.queryOmit)
      .map(([name, value]) => `${encodeURIComponent(name)}=${change.queryOverride?.[0] === name ? change.queryOverride[1] : value}`);
    if (change.queryOverride && !this.query.some(([name]) => name === change.queryOverride![0])) query.push(`${encodeURIComponent(change.queryOverride[0])}=${change.queryOverride[1]}`);
    if (change.extraQuery !== undefined) query.push(change.extraQuery);
    const headers: Record<string, string> = {};
    const ifMatch = 'ifMatch' in change ? change.ifMatch : '"1"';
    if (ifMatch !== undefined) headers['if-match'] = ifMatch;
    if (change.authorization !== undefined) headers.authorization = change.authorization;
    const payload = 'payload' in change ? change.payload : this.body === undefined ? undefined : JSON.stringify(this.body);
    const contentType = 'contentType' in change ? change.contentType : payload === undefined ? undefined : 'application/json';
    if (contentType !== undefined) headers['content-type'] = contentType;
    return { method: this.operation.method, url: `${path}${query.length ? `?${query.join('&')}` : ''}`, headers, ...(payload === undefined ? {} : { payload }) };
  }

  /** A random field the body schema declares, down to a leaf; a made-up one when it declares none. */
  private fieldPath(): { path: string[]; schema: JsonSchema } {
    const path: string[] = [];
    let schema = this.operation.body ?? {};
    for (;;) {
      const properties = Object.entries(objectSchema(schema)?.properties ?? {});
      if (properties.length === 0) break;
      const [name, child] = pick(this.random, properties);
      path.push(name);
      schema = child;
      if (!objectSchema(child) || this.random() < 0.3) break;
    }
    if (path.length === 0) path.push(pick(this.random, ['unit_id', 'name', 'from', 'consent', 'note', 'zz_field']));
    return { path, schema };
  }

  /** A value the schema accepts: a known value of that name when one fits, else one derived from the schema. */
  valid(schema: JsonSchema, name: string): unknown {
    const fitting = (this.known[name] ?? []).find((value) => fits(schema, value));
    if (fitting !== undefined) return fitting;
    return validValue(schema, this.random);
  }
}

function validValue(schema: JsonSchema, random: Random): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[0];
  const option = (schema.anyOf ?? schema.oneOf ?? []).find((candidate) => typeOf(candidate) !== 'null');
  if (option) return validValue(option, random);
  if (schema.allOf?.[0]) return validValue(schema.allOf[0], random);
  switch (typeOf(schema)) {
    case 'string':
      return validString(schema, random);
    case 'integer':
    case 'number':
      return schema.minimum ?? (schema.exclusiveMinimum === undefined ? 1 : schema.exclusiveMinimum + 1);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => validValue(schema.items ?? {}, random));
    case 'null':
      return null;
    default: {
      const object: Record<string, unknown> = {};
      for (const name of schema.required ?? []) object[name] = validValue(schema.properties?.[name] ?? {}, random);
      return object;
    }
  }
}

function validString(schema: JsonSchema, random: Random): string {
  if (schema.format === 'uuid') return randomUuid(random);
  if (schema.format === 'date-time') return '2026-11-20T09:00:00.000Z';
  const candidates = ['fuzz-a', 'a', '1', 'A', '09:00', '2026-11-20T09:00:00.000Z'];
  const text = (schema.pattern ? candidates.find((candidate) => new RegExp(schema.pattern!).test(candidate)) : undefined) ?? 'text';
  return text.padEnd(schema.minLength ?? 0, 'a');
}

function fits(schema: JsonSchema, value: string): boolean {
  if (schema.enum && !schema.enum.includes(value)) return false;
  if (schema.pattern && !new RegExp(schema.pattern).test(value)) return false;
  if (schema.format === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) return false;
  return typeOf(schema) === 'string' || typeOf(schema) === 'unknown';
}

function randomUuid(random: Random): string {
  const hex = Array.from({ length: 32 }, () => randomInt(random, 0, 15).toString(16));
  hex[12] = '4';
  hex[16] = (8 + randomInt(random, 0, 3)).toString(16);
  const text = hex.join('');
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20)}`;
}

function typeOf(schema: JsonSchema): string {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type) return type;
  if (schema.properties || schema.additionalProperties) return 'object';
  return 'unknown';
}

function objectSchema(schema: JsonSchema): JsonSchema | undefined {
  if (schema.properties) return schema;
  return (schema.anyOf ?? schema.oneOf ?? schema.allOf ?? []).find((option) => option.properties);
}

function requiredPaths(schema: JsonSchema, at: string[]): string[][] {
  const object = objectSchema(schema);
  if (!object) return [];
  return (object.required ?? []).flatMap((name) => [[...at, name], ...requiredPaths(object.properties?.[name] ?? {}, [...at, name])]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const name of path.slice(0, -1)) {
    if (!isObject(node[name])) node[name] = {};
    node = node[name] as Record<string, unknown>;
  }
  node[path.at(-1)!] = value;
}

function deleteAt(target: Record<string, unknown>, path: readonly string[]): void {
  let node: unknown = target;
  for (const name of path.slice(0, -1)) node = isObject(node) ? node[name] : undefined;
  if (isObject(node)) delete node[path.at(-1)!];
}

function pick<T>(random: Random, items: readonly T[]): T {
  return items[randomInt(random, 0, items.length - 1)]!;
}
