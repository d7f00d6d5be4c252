/**
 * Rewrites a synthesized stack (cdk.tf.json) so that `terraform validate` can check it offline with
 * only the AWS provider available: every `helm_*` / `kubernetes_*` resource, data source and
 * provider block becomes a `terraform_data` resource whose `input` holds its whole body, so every
 * expression in it is still parsed and every reference in it still resolved; references to those
 * objects are rewritten to the new addresses (`.output.<attr>` for attributes).
 *
 * What this cannot check: the helm/kubernetes attribute names and block shapes themselves (no
 * provider schema here); those are covered by the construct tests and the conformance tests. A
 * `dynamic` block inside such a resource would become a plain object and its iterator references
 * would not resolve (the library writes none). `required_providers.aws` is pinned to the mirror's
 * version, so AWS resources are checked against that provider's schema.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Resource types carried as terraform_data: the providers that have no binary in the mirror. */
export const EMULATED_PROVIDERS = ['helm', 'kubernetes'] as const;

function isEmulatedType(type: string): boolean {
  return EMULATED_PROVIDERS.some((p) => type === p || type.startsWith(`${p}_`));
}

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Meta-arguments of a resource block (Terraform's, not the provider's): kept outside `input`. */
const META_ARGUMENTS = ['count', 'for_each', 'depends_on', 'lifecycle', 'provisioner', 'connection', '//'];

export interface OfflineOptions {
  /** The AWS provider version in the mirror; `required_providers.aws.version` is pinned to it. */
  readonly awsVersion: string;
}

/** An address the rewrite moved: `helm_release.x` → `terraform_data.helm_release__x`. */
export interface MovedAddress {
  readonly from: string;
  readonly to: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rewrites every reference to a moved address in a string (expressions and depends_on entries). */
function rewriteReferences(text: string, moved: readonly MovedAddress[], pattern: RegExp | undefined): string {
  if (!pattern || !text.includes('_')) return text;
  const to = new Map(moved.map((m) => [m.from, m.to]));
  // `helm_release.x[0].status` (count/for_each) → `terraform_data.helm_release__x[0].output.status`.
  return text.replace(pattern, (match: string, addr: string, index: string | undefined, offset: number, whole: string) => {
    const next = whole[offset + match.length];
    const target = `${to.get(addr)!}${index ?? ''}`;
    return next === '.' || next === '[' ? `${target}.output` : target;
  });
}

function mapStrings(value: Json, f: (s: string) => string): Json {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [f(k), mapStrings(v, f)]));
  return value;
}

/** The lifecycle block of a terraform_data stand-in: conditions on `self` read its `output`. */
function standInLifecycle(lifecycle: Json | undefined): JsonObject | undefined {
  if (!isObject(lifecycle)) return undefined;
  const out: JsonObject = { ...lifecycle };
  if (Array.isArray(out.ignore_changes) && out.ignore_changes.length > 0) out.ignore_changes = ['input'];
  if (out.postcondition !== undefined) {
    out.postcondition = mapStrings(out.postcondition, (s) => s.replace(/(?<![\w.])self\./g, 'self.output.'));
  }
  return out;
}

function standIn(body: JsonObject): JsonObject {
  const input: JsonObject = {};
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(body)) {
    if (k === 'provider') continue; // the emulated provider does not exist here; terraform_data needs none
    if (k === 'lifecycle') {
      const l = standInLifecycle(v);
      if (l) out.lifecycle = l;
    } else if (META_ARGUMENTS.includes(k)) out[k] = v;
    else input[k] = v;
  }
  out.input = input;
  return out;
}

/**
 * Returns the stack rewritten for offline validation, and the addresses it moved. The input is not
 * modified.
 */
export function offlineValidationConfig(stack: Readonly<Record<string, unknown>>, options: OfflineOptions): { config: JsonObject; moved: MovedAddress[] } {
  const config = JSON.parse(JSON.stringify(stack)) as JsonObject;
  const moved: MovedAddress[] = [];
  const standIns: JsonObject = {};

  const resources = isObject(config.resource) ? config.resource : {};
  for (const type of Object.keys(resources).filter(isEmulatedType)) {
    for (const [name, body] of Object.entries(resources[type] as JsonObject)) {
      const to = `${type}__${name}`;
      moved.push({ from: `${type}.${name}`, to: `terraform_data.${to}` });
      standIns[to] = standIn(body as JsonObject);
    }
    delete resources[type];
  }
  const data = isObject(config.data) ? config.data : {};
  for (const type of Object.keys(data).filter(isEmulatedType)) {
    for (const [name, body] of Object.entries(data[type] as JsonObject)) {
      const to = `data__${type}__${name}`;
      moved.push({ from: `data.${type}.${name}`, to: `terraform_data.${to}` });
      standIns[to] = standIn(body as JsonObject);
    }
    delete data[type];
  }
  if (isObject(config.data) && Object.keys(data).length === 0) delete config.data;
  const providers = isObject(config.provider) ? config.provider : {};
  for (const type of Object.keys(providers).filter(isEmulatedType)) {
    for (const block of providers[type] as JsonObject[]) {
      const { alias, ...body } = block;
      standIns[`provider__${type}__${typeof alias === 'string' ? alias : 'default'}`] = { input: body };
    }
    delete providers[type];
  }

  const pattern = moved.length
    ? new RegExp(`(?<![\\w.-])(${moved.map((m) => escapeRegExp(m.from)).sort((a, b) => b.length - a.length).join('|')})(?![\\w-])(\\[[^\\]]*\\])?`, 'g')
    : undefined;
  resources.terraform_data = { ...(isObject(resources.terraform_data) ? resources.terraform_data : {}), ...standIns };
  config.resource = resources;
  const rewritten = mapStrings(config, (s) => rewriteReferences(s, moved, pattern)) as JsonObject;

  const terraform = isObject(rewritten.terraform) ? rewritten.terraform : {};
  const required = isObject(terraform.required_providers) ? terraform.required_providers : {};
  for (const p of Object.keys(required).filter(isEmulatedType)) delete required[p];
  if (required.aws !== undefined) required.aws = { source: 'hashicorp/aws', version: options.awsVersion };
  return { config: rewritten, moved };
}
