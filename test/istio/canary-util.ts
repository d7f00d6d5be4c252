import { TerraformStack } from 'cdktf';
import { IstioVersion } from '../../lib/catalog/istio-versions';
import { IstioAmbientCluster, IstioAmbientClusterProps } from '../../lib/istio/istio-ambient-cluster';
import { IstioCanaryRevision, IstioCanaryRevisionProps } from '../../lib/istio/istio-canary-revision';
import { SynthJson, existingCluster, synthJson, testStack } from '../util';

/** The mesh every canary test upgrades: installed by today's IstioAmbientCluster (unrevisioned istiod). */
export function meshProps(): IstioAmbientClusterProps {
  return { cluster: existingCluster('mesh'), ambientNamespaces: ['shop', 'apps'], enrollExistingNamespaces: ['legacy'] };
}

export type CanaryOptions = Omit<IstioCanaryRevisionProps, 'mesh'>;

/** A stack with the mesh at `meshVersion` and, when given, a canary on it. */
export function canaryStack(meshVersion: IstioVersion, canary?: CanaryOptions, stack: TerraformStack = testStack()) {
  const mesh = new IstioAmbientCluster(stack, 'Mesh', { ...meshProps(), istioVersion: meshVersion });
  const upgrade = canary ? new IstioCanaryRevision(stack, 'Upgrade', { mesh, ...canary }) : undefined;
  return { stack, mesh, upgrade };
}

export function synthCanary(meshVersion: IstioVersion, canary?: CanaryOptions): { json: SynthJson; upgrade?: IstioCanaryRevision; mesh: IstioAmbientCluster } {
  const { stack, mesh, upgrade } = canaryStack(meshVersion, canary);
  return { json: synthJson(stack), mesh, upgrade };
}

/** A resource's identity in a plan: `<type>.<name>` with the Helm release / namespace name, readable in assertions. */
function key(type: string, body: Record<string, unknown>): string {
  const name = type === 'helm_release' ? body.name : (body.metadata as { name?: string } | undefined)?.name;
  // The namespace revision labels and the mesh's enrollment labels share type and object name.
  const kind = type === 'kubernetes_labels' && body.field_manager === 'cdktf-istio-mesh-revision' ? 'rev-label' : type;
  return `${kind}.${String(name)}`;
}

/** Meta-arguments Terraform does not diff as a resource change (ordering and lifecycle). */
const META = new Set(['depends_on', 'lifecycle', '//']);

function comparable(body: Record<string, unknown>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(body).filter(([k]) => !META.has(k))));
}

/**
 * What a `terraform plan` from `before` to `after` would touch, by resource address: created,
 * destroyed, or updated (any argument differs; a generated chart's path changes with its content).
 * Resources are matched by logical id (the Terraform address), labelled with their release/namespace name.
 */
export function planDiff(before: SynthJson, after: SynthJson): { create: string[]; destroy: string[]; update: string[] } {
  const flat = (json: SynthJson) => {
    const m = new Map<string, { label: string; body: string }>();
    for (const [type, byId] of Object.entries(json.resource)) {
      for (const [id, body] of Object.entries(byId)) m.set(`${type}.${id}`, { label: key(type, body), body: comparable(body) });
    }
    return m;
  };
  const a = flat(before);
  const b = flat(after);
  const create = [...b.keys()].filter((k) => !a.has(k)).map((k) => b.get(k)!.label).sort();
  const destroy = [...a.keys()].filter((k) => !b.has(k)).map((k) => a.get(k)!.label).sort();
  const update = [...b.keys()].filter((k) => a.has(k) && a.get(k)!.body !== b.get(k)!.body).map((k) => b.get(k)!.label).sort();
  return { create, destroy, update };
}

/** `depends_on` entries that name no resource of the synthesized stack (Terraform would reject the plan). */
export function danglingDependsOn(json: SynthJson): string[] {
  const known = new Set<string>();
  for (const [type, byId] of Object.entries(json.resource)) for (const id of Object.keys(byId)) known.add(`${type}.${id}`);
  for (const [type, byId] of Object.entries(json.data ?? {})) for (const id of Object.keys(byId)) known.add(`data.${type}.${id}`);
  const out: string[] = [];
  for (const byId of Object.values(json.resource)) {
    for (const [id, body] of Object.entries(byId)) {
      for (const d of (body.depends_on as string[] | undefined) ?? []) if (!known.has(d)) out.push(`${id} → ${d}`);
    }
  }
  return out;
}
