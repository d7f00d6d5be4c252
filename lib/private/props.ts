import * as v from 'valibot';
import { IConstruct } from 'constructs';
import { IstioMeshValidationError, invalid } from './errors';

/**
 * Runtime type checks at the library's public boundary, so a JavaScript caller (or a TypeScript one
 * using `any`) gets the library's validation error naming the prop, never a `TypeError` from deep
 * inside a construct. Schemas are valibot's (6 ms to load; synth time matters); every leaf carries
 * the words "what is allowed" as its message, and {@link checkProps} turns the first issue into an
 * {@link IstioMeshValidationError}.
 *
 * Only shapes and sizes are checked here; value rules (ranges, patterns, catalogs) stay in the
 * constructs, after the shape is known to be right.
 */

/** Size limits for lists, maps and strings in props: far above any real use, far below what hurts synth. */
export const LIMITS = {
  /** Items in a list prop (namespaces, subnets, instance types, …). */
  listItems: 500,
  /** Keys in a string map prop (labels, tags, node selectors). */
  mapKeys: 200,
  /** Characters in a free-form string prop. */
  stringChars: 4096,
  /** Nesting depth of escape-hatch Helm values. */
  valuesDepth: 32,
  /** Leaves plus containers in one escape-hatch values object. */
  valuesNodes: 10_000,
} as const;

type Schema = v.GenericSchema;

/** A string of bounded length (tokens are strings too, and pass). */
export function str(max: number = LIMITS.stringChars): Schema {
  return v.pipe(v.string('a string'), v.maxLength(max, `a string of at most ${max} characters`));
}

/** A finite number (Terraform number tokens are numbers too, and pass). */
export const num: Schema = v.number('a number');

/** true or false. */
export const bool: Schema = v.boolean('true or false');

/** One of the given wire strings (the values of a TypeScript enum). */
export function oneOf(values: readonly string[]): Schema {
  return v.picklist(values as string[], `one of ${values.map((x) => `'${x}'`).join(', ')}`);
}

/** A list of items, at most `max` long. */
export function list(item: Schema, max: number = LIMITS.listItems): Schema {
  return v.pipe(v.array(item, 'a list'), v.maxLength(max, `a list of at most ${max} items`));
}

/** A map of string to string (labels, tags, selectors), at most `max` keys, no prototype keys. */
export function stringMap(max: number = LIMITS.mapKeys): Schema {
  return v.pipe(
    v.custom<Record<string, string>>(isPlainObject, 'a map of string keys to string values'),
    v.check((m) => !hasForbiddenKey(m as object), "a map without '__proto__', 'constructor' or 'prototype' keys"),
    v.check((m) => Object.keys(m as object).length <= max, `a map of at most ${max} keys`),
    v.record(v.string(), v.string('a string value'), 'a map of string keys to string values'),
  );
}

/** An instance of a class (IstioVersion, TerraformProvider, …). */
// eslint-disable-next-line @typescript-eslint/ban-types -- any class, private constructors included (IstioVersion)
export function instanceOf(cls: Function, what: string): Schema {
  return v.custom((x) => x instanceof cls, what);
}

/** A construct (any object in the construct tree), described by `what`. */
export function construct(what: string): Schema {
  return v.custom((x) => typeof x === 'object' && x !== null && 'node' in x && typeof (x as IConstruct).node?.path === 'string', what);
}

/** An object satisfying a duck-typed interface: every named member present. */
export function shaped(what: string, members: readonly string[]): Schema {
  return v.custom((x) => typeof x === 'object' && x !== null && members.every((m) => m in x), what);
}

/** Free-form JSON-like values (Helm values, add-on configuration): see {@link checkFreeForm}. */
export const freeForm: Schema = v.custom((x) => isPlainObject(x), 'a plain object (a map of values, as a values file holds)');

/** Props object: unknown keys are errors (a misspelt prop would otherwise be ignored). */
export function props(entries: Record<string, Schema>): Schema {
  return v.strictObject(entries, 'an object of props');
}

/** Optional prop (undefined allowed). */
export function opt(schema: Schema): Schema {
  return v.optional(schema);
}

/** A nested object of options with known keys. */
export function struct(entries: Record<string, Schema>, what = 'an object'): Schema {
  return v.strictObject(entries, what);
}

/**
 * Checks `value` against `schema` and throws the library's validation error for the first problem,
 * naming the prop path (`clusterOptions.nodeMinSize`), the value and what is allowed. `root` prefixes
 * the path for nested options (`cluster` → `cluster.clusterName`).
 */
export function checkProps(what: string, schema: Schema, value: unknown, root?: string): void {
  if (value === undefined || value === null || typeof value !== 'object') {
    throw invalid(root ?? 'props', `must be an object of ${what} props`, value);
  }
  const result = v.safeParse(schema, value, { abortEarly: true });
  if (result.success) return;
  const issue = result.issues[0];
  const keys = (issue.path ?? []).map((p) => String((p as { key: unknown }).key));
  if (issue.type === 'strict_object' && typeof issue.input === 'string') {
    // valibot reports an unknown key with the key as input and its parent path.
    const rawKeys = (issue.path ?? []).map((p) => (p as { key: unknown }).key);
    const parent = rawKeys.length > 1 || root ? joinPath(root, rawKeys.slice(0, -1)) : '';
    const known = knownKeys(schema, keys.slice(0, -1));
    throw invalid(parent ? `${parent}.${issue.input}` : issue.input, `is not a prop of ${parent ? `'${parent}'` : what}`, issue.input,
      known.length > 0 ? `known: ${known.join(', ')}` : undefined);
  }
  const pathKeys = (issue.path ?? []).map((p) => (p as { key: unknown }).key);
  const prop = joinPath(root, pathKeys);
  if (issue.type === 'strict_object' && issue.input === undefined && pathKeys.length > 0) {
    // A required prop that is missing: valibot reports the parent object; name what the prop must be.
    const entry = entrySchema(schema, pathKeys.map(String));
    throw invalid(prop, `must be ${messageOf(entry) ?? 'given'}`, undefined);
  }
  throw invalid(prop, `must be ${issue.message}`, issue.input);
}

/** `cluster.subnetIds[1]`: dots for keys, brackets for list indexes. */
function joinPath(root: string | undefined, keys: unknown[]): string {
  let out = root ?? '';
  for (const k of keys) out += typeof k === 'number' ? `[${k}]` : out ? `.${String(k)}` : String(k);
  return out || 'props';
}

/** One step down a schema: an object's entry, or a list's item for an index (optional wrappers unwrapped). */
function childSchema(schema: unknown, key: string): unknown {
  let s = schema;
  while (s && (s as { wrapped?: unknown }).wrapped) s = (s as { wrapped: unknown }).wrapped;
  if (/^\d+$/.test(key) && (s as { item?: unknown } | undefined)?.item) return (s as { item: unknown }).item;
  return (s as { entries?: Record<string, unknown> } | undefined)?.entries?.[key];
}

function entrySchema(schema: Schema, path: string[]): unknown {
  let s: unknown = schema;
  for (const k of path) s = childSchema(s, k);
  return s;
}

function messageOf(schema: unknown): string | undefined {
  const s = schema as { message?: unknown; pipe?: unknown[] } | undefined;
  if (typeof s?.message === 'string') return s.message;
  const first = s?.pipe?.[0] as { message?: unknown } | undefined;
  return typeof first?.message === 'string' ? first.message : undefined;
}

function knownKeys(schema: Schema, path: string[]): string[] {
  let s: unknown = schema;
  for (const k of path) {
    s = childSchema(s, k);
    while (s && (s as { wrapped?: unknown }).wrapped) s = (s as { wrapped: unknown }).wrapped;
  }
  const entries = (s as { entries?: Record<string, unknown> } | undefined)?.entries;
  return entries ? Object.keys(entries).sort() : [];
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function hasForbiddenKey(o: object): boolean {
  return Object.keys(o).some((k) => FORBIDDEN_KEYS.has(k));
}

/** A plain object: `{…}` or `Object.create(null)`, not an array, class instance, Map or Date. */
export function isPlainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/**
 * Free-form values (what a Helm values file holds): plain objects, lists, strings, finite numbers,
 * booleans and null, at most {@link LIMITS.valuesDepth} deep and {@link LIMITS.valuesNodes} nodes.
 * `__proto__`, `constructor` and `prototype` keys are rejected, not dropped: JSON.parse keeps
 * `__proto__` as an own key, and a merge would otherwise write through it.
 */
export function checkFreeForm(prop: string, values: unknown): void {
  if (values === undefined) return;
  if (!isPlainObject(values)) throw invalid(prop, 'must be a plain object (a map of values, as a values file holds)', describeKind(values));
  let nodes = 0;
  const walk = (node: unknown, path: string, depth: number): void => {
    if (++nodes > LIMITS.valuesNodes) throw invalid(prop, `must hold at most ${LIMITS.valuesNodes} values`, `more at '${path}'`);
    if (depth > LIMITS.valuesDepth) throw invalid(prop, `must nest at most ${LIMITS.valuesDepth} levels`, path);
    if (node === null || typeof node === 'string' || typeof node === 'boolean') return;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) throw invalid(prop, 'must hold only finite numbers', `${path} = ${node}`);
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, `${path}[${i}]`, depth + 1));
      return;
    }
    if (isPlainObject(node)) {
      for (const key of Object.keys(node)) {
        const p = path ? `${path}.${key}` : key;
        if (FORBIDDEN_KEYS.has(key)) throw invalid(prop, "must not contain the key '__proto__', 'constructor' or 'prototype'", p);
        walk(node[key], p, depth + 1);
      }
      return;
    }
    throw invalid(prop, 'must hold only strings, numbers, booleans, null, lists and plain objects', `${path} is ${describeKind(node)}`);
  };
  walk(values, '', 0);
}

function describeKind(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'a list';
  if (typeof x === 'object') return `an instance of ${(x as object).constructor?.name ?? 'an unknown class'}`;
  return typeof x;
}

/**
 * Runs a construct's validation and tags the library's error with the construct path (as aws-cdk's
 * `ValidationError(message, scope)` does), so the user sees which construct in a large app failed.
 */
export function validatedAt<T>(scope: IConstruct, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof IstioMeshValidationError && e.constructPath === undefined) throw e.at(scope.node.path);
    throw e;
  }
}
