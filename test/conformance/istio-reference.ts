import * as fs from 'fs';
import * as path from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';

type Schema = Record<string, unknown>;
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The wrapper keys Istio's values.yaml files keep their defaults under: 1.22–1.23, then 1.24+. */
export const VALUES_WRAPPERS = ['defaults', '_internal_defaults_do_not_set'] as const;
/** Legacy prefixes the flattened (1.24+) charts still merge on top (`zzy_descope_legacy.yaml`). */
const LEGACY_PREFIX: Record<string, string> = { istiod: 'pilot', cni: 'cni' };

/**
 * Istio's own chart values (`<chart>.values.yaml`, defaults under the minor's wrapper) and Helm
 * profiles of one minor, read from ../shared. Answers whether a value path is one the chart reads.
 */
export class ChartValuesReference {
  private readonly defaults: Obj;
  private readonly profiles: Set<string>;
  /** The wrapper key this minor's values.yaml uses. */
  public readonly wrapper: string;
  /** True when istiod/cni values are top-level (1.24+): `pilot.*` / `cni.*` are then legacy aliases. */
  public readonly flattened: boolean;

  constructor(private readonly dir: string, public readonly chart: string) {
    const file = path.join(dir, `${chart}.values.yaml`);
    const doc = parse(fs.readFileSync(file, 'utf8')) as Obj;
    const wrapper = VALUES_WRAPPERS.find((w) => isObj(doc[w]));
    if (!wrapper) throw new Error(`${file} has no '${VALUES_WRAPPERS.join("' or '")}' wrapper`);
    this.wrapper = wrapper;
    this.defaults = doc[wrapper] as Obj;
    const legacy = LEGACY_PREFIX[chart];
    this.flattened = legacy !== undefined && !isObj(this.defaults[legacy]);
    this.profiles = new Set(fs.readdirSync(path.join(dir, 'profiles')).filter((f) => f.endsWith('.yaml')).map((f) => f.replace(/\.yaml$/, '')));
  }

  /** The chart's default at a dotted path (undefined when absent). */
  public defaultAt(p: string): unknown {
    let node: unknown = this.defaults;
    for (const part of p.split('.')) {
      if (!isObj(node) || !(part in node)) return undefined;
      node = node[part];
    }
    return node;
  }

  /**
   * Problems with a values object: each leaf path must exist in the chart defaults, or sit below a
   * map that is free-form in the chart (an empty `{}` such as `pilot.env` or `podAnnotations`).
   * `profile` must name a Helm profile of this minor; `compatibilityVersion` a compatibility profile.
   */
  public problems(values: Obj): string[] {
    const out: string[] = [];
    const walk = (node: Obj, ref: unknown, prefix: string): void => {
      for (const [k, v] of Object.entries(node)) {
        const p = prefix ? `${prefix}.${k}` : k;
        if (!prefix && k === 'profile') {
          if (!this.profiles.has(String(v))) out.push(`${this.chart}: profile '${String(v)}' is not a Helm profile in ${this.dir}/profiles`);
          continue;
        }
        if (!prefix && k === 'compatibilityVersion') {
          if (!this.profiles.has(`compatibility-version-${String(v)}`)) out.push(`${this.chart}: compatibilityVersion '${String(v)}' has no profile`);
          continue;
        }
        if (!prefix && (VALUES_WRAPPERS as readonly string[]).includes(k)) {
          out.push(`${this.chart}: '${k}' is the chart's internal wrapper, not a user key`);
          continue;
        }
        if (!prefix && this.flattened && k === LEGACY_PREFIX[this.chart] && isObj(v)) {
          walk(v, this.defaults, k); // legacy alias: pilot.x / cni.x is merged onto x
          continue;
        }
        if (!isObj(ref) || !(k in ref)) {
          out.push(`${this.chart}: '${p}' does not exist in ${this.chart}.values.yaml`);
          continue;
        }
        const r = ref[k];
        if (isObj(r) && Object.keys(r).length === 0) continue; // free-form map
        if (isObj(v) && isObj(r)) walk(v, r, p);
        else if (isObj(v) !== isObj(r) && r !== null) out.push(`${this.chart}: '${p}' is a ${isObj(r) ? 'map' : 'scalar or list'} in the chart`);
      }
    };
    walk(values, this.defaults, '');
    return out;
  }
}

/** One served version of an Istio CRD. */
interface CrdVersion {
  readonly group: string;
  readonly kind: string;
  readonly version: string;
  readonly schema: Schema;
  readonly validate: ValidateFunction;
}

/** Istio's CRDs (crd-all.gen.yaml) of one minor: validates a resource the way the API server would. */
export class CrdReference {
  private readonly versions = new Map<string, CrdVersion>();
  /** Number of CustomResourceDefinitions in the file. */
  public crdCount = 0;

  /**
   * @param dir a `../shared/istio-<minor>` folder (its crd-all.gen.yaml)
   * @param extraFiles more CRD files, e.g. a Gateway API release's (non-CRD documents are skipped)
   */
  constructor(dir: string, extraFiles: readonly string[] = []) {
    // validateSchema off: some CRDs (Istio 1.23's) repeat an item in `required`, which the API server accepts and Ajv's meta-schema does not.
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, validateSchema: false });
    const text = [path.join(dir, 'crd-all.gen.yaml'), ...extraFiles].map((f) => fs.readFileSync(f, 'utf8')).join('\n---\n');
    for (const doc of parseAllDocuments(text)) {
      const crd = doc.toJS() as Obj | null;
      if (!crd || crd.kind !== 'CustomResourceDefinition') continue;
      this.crdCount++;
      const spec = crd.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean; schema: { openAPIV3Schema: Schema } }[] };
      for (const v of spec.versions) {
        if (!v.served) continue;
        const schema = v.schema.openAPIV3Schema;
        this.versions.set(`${spec.group}/${v.name}/${spec.names.kind}`, {
          group: spec.group, kind: spec.names.kind, version: v.name, schema, validate: ajv.compile(schema),
        });
      }
    }
  }

  public get servedCount(): number {
    return this.versions.size;
  }

  /** Problems with one resource: unknown apiVersion/kind, schema violations, and fields the API server would prune. */
  public problems(resource: Obj): string[] {
    const key = `${String(resource.apiVersion)}/${String(resource.kind)}`;
    const crd = this.versions.get(key);
    const name = `${key} ${isObj(resource.metadata) ? String(resource.metadata.name) : '?'}`;
    if (!crd) return [`${name}: no served CRD version for ${key}`];
    const out: string[] = [];
    const { apiVersion: _a, kind: _k, metadata, ...body } = resource;
    if (!isObj(metadata) || typeof metadata.name !== 'string' || typeof metadata.namespace !== 'string') out.push(`${name}: metadata.name and metadata.namespace are required`);
    if (!crd.validate(body)) {
      for (const e of crd.validate.errors ?? []) out.push(`${name}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
    }
    out.push(...unknownFields(body, crd.schema, '').map((p) => `${name}: field '${p}' is not in the schema (the API server would drop it)`));
    return out;
  }
}

/** Paths in `value` that a structural schema does not declare (and does not preserve). */
function unknownFields(value: unknown, schema: Schema, prefix: string): string[] {
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [];
  if (Array.isArray(value)) {
    const items = schema.items as Schema | undefined;
    return items ? value.flatMap((v, i) => unknownFields(v, items, `${prefix}[${i}]`)) : [];
  }
  if (!isObj(value)) return [];
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const additional = schema.additionalProperties;
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (props[k]) out.push(...unknownFields(v, props[k], p));
    else if (isObj(additional)) out.push(...unknownFields(v, additional, p));
    else if (additional !== true) out.push(p);
  }
  return out;
}
