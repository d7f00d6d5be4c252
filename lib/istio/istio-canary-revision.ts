import { Annotations, ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Labels } from '@cdktf/provider-kubernetes/lib/labels';
import { IstioVersion, compareMinor } from '../catalog/istio-versions';
import { invalid } from '../private/errors';
import { HelmValues, checkEscapeValues } from '../private/helm-values';
import { IstioChart } from '../private/istio-chart-values';
import { bool, checkProps, freeForm, instanceOf, list, num, opt, props as propsSchema, str, struct, validatedAt } from '../private/props';
import { isConcrete, validateIntRange, validateNamespaceName } from '../private/validate';
import { CanaryPhase, CanaryStage, CanaryStep, resolveStages } from './canary-phase';
import { INJECTION_LABEL, ISTIO_SYSTEM_NAMESPACE } from '../wire/istio';
import { IstioAmbientCluster } from './istio-ambient-cluster';
import { IstioResourceChart } from './istio-resource-chart';
import { DEFAULT_REVISION, DEFAULT_TAG, ISTIO_REV_LABEL, revisionTagObjects } from './revision-tags';
import { checkDataPlane, checkHop } from './canary-rules';

/** A revisioned istiod that serves the mesh today (the stable side of a canary upgrade). */
export interface IstioRevisionRef {
  /** Its Istio release. */
  readonly version: IstioVersion;
  /** Its revision name. @default - derived from the version, e.g. `1-23-6` */
  readonly revision?: string;
}

/** Props of {@link IstioCanaryRevision}. */
export interface IstioCanaryRevisionProps {
  /** The mesh to upgrade; its base, cni and ztunnel releases are re-pinned by this construct. */
  readonly mesh: IstioAmbientCluster;
  /**
   * The control plane serving the mesh today. Omit it for a mesh whose istiod is still the one
   * `IstioAmbientCluster` installed (unrevisioned, i.e. revision `default`).
   * @default - the mesh's unrevisioned istiod at the mesh's `istioVersion`
   */
  readonly stable?: IstioRevisionRef;
  /** The release to canary: a later patch of the stable minor, or the next minor (never skipping one). */
  readonly canaryVersion: IstioVersion;
  /** Revision name of the canary istiod. @default - derived from `canaryVersion`, e.g. `1-23-6` */
  readonly canaryRevision?: string;
  /** Where the upgrade stands; moving it backwards (before `old-removed`) is the rollback. */
  readonly phase: CanaryPhase;
  /**
   * Batches of enrolled namespaces whose tag moves to the canary, cumulative (phase `stage-n` moves
   * stages 1…n). There is no per-request split between control planes: a namespace moves whole.
   * @default - none (promote moves everything at once)
   */
  readonly stages?: CanaryStage[];
  /** Tag every enrolled namespace uses; it moves to the canary revision at `promoted`. @default 'prod-stable' */
  readonly stableTag?: string;
  /** Tag that always points at the canary revision; staged namespaces use it. @default 'prod-canary' */
  readonly canaryTag?: string;
  /**
   * Also render the `default` tag (unlabelled Gateways and waypoints, `istio-injection=enabled`),
   * following the stable tag. Not while the unrevisioned istiod runs: it answers to `default` itself.
   * @default false
   */
  readonly defaultTag?: boolean;
  /** Enrolled namespaces held on the stable revision by name through promotion. @default - none */
  readonly pinnedNamespaces?: string[];
  /**
   * Version of the ambient data plane (istio-cni and ztunnel, upgraded in place: they have no
   * side-by-side canary). The stable version, or the canary version once the canary is promoted;
   * ztunnel is then pointed at the canary revision by name.
   * @default - the stable version
   */
  readonly dataPlaneVersion?: IstioVersion;
  /**
   * How istio-cni and ztunnel roll when `dataPlaneVersion` changes. `ON_DELETE` needs charts of
   * 1.26 or later (`updateStrategy` values); earlier charts always roll node by node.
   * @default DataPlaneUpdate.ROLLING
   */
  readonly dataPlaneUpdate?: DataPlaneUpdate;
  /** Escape hatch: istiod values for the canary, merged after the mesh's `istiodValues`. @default - none */
  readonly istiodValues?: HelmValues;
  /** Helm timeout of the istiod releases this construct installs. @default - the mesh's `helmTimeoutSeconds` */
  readonly helmTimeoutSeconds?: number;
  /** Helm provider. @default - the stack's default Helm provider */
  readonly helmProvider?: TerraformProvider;
  /** Kubernetes provider for the namespace labels. @default - the stack's default Kubernetes provider */
  readonly kubernetesProvider?: TerraformProvider;
}

/** How the in-place data-plane upgrade replaces the cni and ztunnel pods. */
export enum DataPlaneUpdate {
  /**
   * The charts' rolling update: ztunnel one node at a time with a surge pod (`maxSurge: 1,
   * maxUnavailable: 0`), cni one node at a time. Long-lived connections through a node's ztunnel
   * reset when its pod is replaced.
   */
  ROLLING = 'RollingUpdate',
  /**
   * `updateStrategy.type: OnDelete` on both DaemonSets: the new version runs on a node only when you
   * delete its pod (after draining the node) or replace the node, so you pace the disruption.
   */
  ON_DELETE = 'OnDelete',
}

const PROVIDER = (what: string) => instanceOf(TerraformProvider, `a ${what} provider (TerraformProvider)`);
const VERSION = instanceOf(IstioVersion, "an IstioVersion (IstioVersion.of('1.23.6'))");

/** Runtime shape of {@link IstioCanaryRevisionProps}: a JavaScript caller gets a validation error, not a TypeError. */
const PROPS_SCHEMA = propsSchema({
  mesh: instanceOf(IstioAmbientCluster, 'the IstioAmbientCluster to upgrade'),
  stable: opt(struct({ version: VERSION, revision: opt(str(63)) }, 'the stable control plane ({ version, revision? })')),
  canaryVersion: VERSION,
  canaryRevision: opt(str(63)),
  phase: instanceOf(CanaryPhase, "a CanaryPhase (CanaryPhase.INSTALLED, CanaryPhase.tagsMoving(n), CanaryPhase.of('stage-1'), …)"),
  stages: opt(list(instanceOf(CanaryStage, 'a CanaryStage (CanaryStage.namespaces(…) or CanaryStage.percent(n))'), 100)),
  stableTag: opt(str(63)),
  canaryTag: opt(str(63)),
  defaultTag: opt(bool),
  pinnedNamespaces: opt(list(str(63))),
  dataPlaneVersion: opt(VERSION),
  dataPlaneUpdate: opt(str(32)),
  istiodValues: opt(freeForm),
  helmTimeoutSeconds: opt(num),
  helmProvider: opt(PROVIDER('Helm')),
  kubernetesProvider: opt(PROVIDER('Kubernetes')),
});

/** Field manager of the namespace revision labels (the mesh's own enrollment labels use another). */
const FIELD_MANAGER = 'cdktf-istio-mesh-revision';
/** Helm release names are at most 53 characters; `istiod-` and `istio-tag-` prefix revisions and tags. */
const MAX_REVISION = 53 - 'istiod-'.length;
const MAX_TAG = 53 - 'istio-tag-'.length;
const DNS1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** One side of the upgrade. */
interface Side {
  readonly version: IstioVersion;
  /** `''` for the unrevisioned istiod. */
  readonly revision: string;
}

/**
 * A canary control-plane upgrade of an ambient mesh, driven by one prop (`phase`):
 *
 * | phase | what is true |
 * | --- | --- |
 * | `installed` | base (CRDs) at the canary version; canary istiod `istiod-<rev>` beside the stable one; stable tag → stable, canary tag → canary |
 * | `stage-n` | namespaces of stages 1…n labelled with the canary tag (their waypoints move) |
 * | `promoted` | stable tag (and `default` tag) and base `defaultRevision` on the canary revision |
 * | `old-removed` | the stable istiod uninstalled; every namespace back on the stable tag |
 *
 * Each tag is its own generated chart and `helm_release` (`istio-tag-<tag>`), so moving a tag changes
 * exactly that release. The data plane (cni, ztunnel) moves separately with `dataPlaneVersion`.
 */
export class IstioCanaryRevision extends Construct {
  /** The mesh being upgraded. */
  public readonly mesh: IstioAmbientCluster;
  public readonly phase: CanaryPhase;
  public readonly stableVersion: IstioVersion;
  /** Stable revision name (`default` for the unrevisioned istiod). */
  public readonly stableRevision: string;
  public readonly canaryVersion: IstioVersion;
  public readonly canaryRevision: string;
  public readonly dataPlaneVersion: IstioVersion;
  public readonly stableTag: string;
  public readonly canaryTag: string;
  /** The canary istiod release. */
  public readonly canaryIstiod: Release;
  /** The stable istiod release this construct owns (a revisioned stable before `old-removed`). */
  public readonly stableIstiod?: Release;
  /** One generated chart per tag, by tag name. */
  public readonly tags: Readonly<Record<string, IstioResourceChart>>;
  /** The revision each tag points at in this phase, by tag name (`default` = the unrevisioned istiod). */
  public readonly tagTargets: Readonly<Record<string, string>>;
  /** The `istio.io/rev` value of each enrolled namespace in this phase. */
  public readonly namespaceRevisions: Readonly<Record<string, string>>;
  /** One `kubernetes_labels` per enrolled namespace. */
  public readonly namespaceLabels: readonly Labels[];

  constructor(scope: Construct, id: string, props: IstioCanaryRevisionProps) {
    super(scope, id);
    // ---- validation, before any child exists (errors carry this construct's path)
    const {
      mesh, phase, legacy, stable, canary, stableTag, canaryTag, defaultTag, timeout, enrolled, pinned, moved, dataPlane, dataPlaneUpdate, dataPlaneOnCanary,
    } = validatedAt(this, () => this.resolve(props));
    this.mesh = mesh;
    this.phase = phase;
    const k8s = mesh.kubernetesVersion;
    if (isConcrete(k8s) && !canary.version.supportsKubernetes(k8s)) {
      // Istio's support table (facts/istio-minor-hops.md §1): e.g. 1.24 needs 1.28+, 1.28 needs 1.30+.
      Annotations.of(this).addWarning(`Istio ${canary.version.version} supports Kubernetes ${canary.version.info.kubernetesMin}–${canary.version.info.kubernetesMax}; `
        + `the cluster runs ${k8s}. Upgrade the cluster before this hop, or accept running outside Istio's tested range.`);
    }
    this.stableVersion = stable.version;
    this.stableRevision = stable.revision || DEFAULT_REVISION;
    this.canaryVersion = canary.version;
    this.canaryRevision = canary.revision;
    this.dataPlaneVersion = dataPlane;
    this.stableTag = stableTag;
    this.canaryTag = canaryTag;

    // ---- children
    const promoted = phase.atLeast(CanaryStep.PROMOTED);
    const removed = phase.atLeast(CanaryStep.OLD_REMOVED);
    mesh._noteVersionsInPlay([...(removed ? [] : [stable.version]), canary.version, dataPlane]);

    // 1. base (CRDs) at the canary version first; defaultRevision follows promotion.
    const defaultRevision = promoted ? canary.revision : legacy ? undefined : stable.revision;
    mesh._repin(IstioChart.BASE, canary.version, {}, defaultRevision ? { defaultRevision } : undefined, mesh.cluster.readyDependables);

    // 2. istiod releases, keyed by revision so a revision keeps its Terraform address across hops.
    const revisions = new Construct(this, 'Revisions');
    const istiod = (side: Side): Release => mesh._revisionedIstiod(revisions, `Istiod-${side.revision}`, {
      version: side.version, revision: side.revision, extraValues: props.istiodValues, dependsOn: [mesh.base], provider: props.helmProvider, timeoutSeconds: timeout,
    });
    if (!legacy || removed) mesh._removeUnrevisionedIstiod();
    this.stableIstiod = !legacy && !removed ? istiod(stable) : undefined;
    this.canaryIstiod = istiod(canary);
    const stableRelease: ITerraformDependable | undefined = legacy ? (removed ? undefined : mesh.istiod) : this.stableIstiod;

    // 3. data plane: in place, control plane first (cni then ztunnel, each after the istiod it talks to).
    const dpSide = dataPlaneOnCanary ? canary : stable;
    const dpIstiod = dataPlaneOnCanary ? this.canaryIstiod : stableRelease!;
    const strategy = dataPlaneUpdate === DataPlaneUpdate.ON_DELETE ? { updateStrategy: { type: DataPlaneUpdate.ON_DELETE } } : undefined;
    mesh._repin(IstioChart.CNI, dpSide.version, {}, strategy, dataPlaneOnCanary ? [dpIstiod] : [mesh.base]);
    mesh._repin(IstioChart.ZTUNNEL, dpSide.version, dpSide.revision ? { revision: dpSide.revision } : {}, strategy,
      dataPlaneOnCanary ? [mesh.cni] : [dpIstiod]);

    // 4. tags: one generated chart and release per tag.
    const targets: Record<string, Side> = { [stableTag]: promoted ? canary : stable, [canaryTag]: canary };
    if (defaultTag) targets[DEFAULT_TAG] = targets[stableTag];
    const tagGroup = new Construct(this, 'Tags');
    const tags: Record<string, IstioResourceChart> = {};
    const tagTargets: Record<string, string> = {};
    const roleIds: Record<string, string> = { [stableTag]: 'Stable', [canaryTag]: 'Canary', [DEFAULT_TAG]: 'Default' };
    for (const [tag, target] of Object.entries(targets)) {
      const releaseName = `istio-tag-${tag}`;
      const targetRelease = target === canary ? this.canaryIstiod : stableRelease!;
      tags[tag] = new IstioResourceChart(tagGroup, roleIds[tag], {
        releaseName,
        namespace: ISTIO_SYSTEM_NAMESPACE,
        resources: [],
        kubernetesObjects: revisionTagObjects({ tag, revision: target.revision, version: target.version, releaseName, namespace: ISTIO_SYSTEM_NAMESPACE }),
        description: `Istio revision tag '${tag}' generated by cdktf-istio-mesh`,
        dependsOn: [targetRelease],
        helmProvider: props.helmProvider,
      });
      tagTargets[tag] = target.revision || DEFAULT_REVISION;
    }
    this.tags = tags;
    this.tagTargets = tagTargets;

    // 5. namespaces: `istio.io/rev=<tag>` (waypoints follow it) with sidecar injection kept off.
    const nsGroup = new Construct(this, 'Namespaces');
    const revisions_: Record<string, string> = {};
    const allTags = Object.values(tags).map((t) => t.release);
    const meshNamespaces: ITerraformDependable[] = [...mesh.ambientNamespaces, ...mesh.enrolledNamespaces];
    for (const ns of mesh.ambientNamespaces) {
      // The namespace resource must not remove the label this construct adds.
      ns.addOverride('lifecycle.ignore_changes', [`metadata[0].labels["${ISTIO_REV_LABEL}"]`, `metadata[0].labels["${INJECTION_LABEL}"]`]);
    }
    this.namespaceLabels = [...enrolled].sort().map((ns) => {
      const rev = pinned.includes(ns) ? stable.revision || DEFAULT_REVISION
        : moved.has(ns) && !removed ? canaryTag : stableTag;
      revisions_[ns] = rev;
      return new Labels(nsGroup, `Rev-${ns}`, {
        provider: props.kubernetesProvider,
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: ns },
        // `istio-injection=disabled` keeps sidecar injection off in a namespace that carries `istio.io/rev` (see README).
        labels: { [ISTIO_REV_LABEL]: rev, [INJECTION_LABEL]: 'disabled' },
        fieldManager: FIELD_MANAGER,
        dependsOn: [...allTags, ...meshNamespaces],
      });
    });
    this.namespaceRevisions = revisions_;
  }

  /** Validation and the resolved plan of this phase, before any child exists. */
  private resolve(props: IstioCanaryRevisionProps) {
    checkProps('IstioCanaryRevision', PROPS_SCHEMA, props);
    const mesh = props.mesh;
    const phase = props.phase;
    const legacy = props.stable === undefined;
    const stable: Side = legacy
      ? { version: mesh.istioVersion, revision: '' }
      : { version: props.stable!.version, revision: props.stable!.revision ?? props.stable!.version.revisionName };
    if (!legacy) validateRevision('stable.revision', stable.revision);
    const canary: Side = { version: props.canaryVersion, revision: props.canaryRevision ?? props.canaryVersion.revisionName };
    validateRevision('canaryRevision', canary.revision);
    if (canary.revision === (stable.revision || DEFAULT_REVISION)) {
      throw invalid('canaryRevision', 'must differ from the stable revision', canary.revision);
    }
    if (compareVersions(stable.version, mesh.istioVersion) < 0) {
      throw invalid('stable.version', `must not be older than the mesh's installed release (${mesh.istioVersion.version})`, stable.version.version);
    }
    checkHop(stable.version, canary.version);
    const stableTag = props.stableTag ?? 'prod-stable';
    const canaryTag = props.canaryTag ?? 'prod-canary';
    validateTag('stableTag', stableTag, [stable.revision || DEFAULT_REVISION, canary.revision]);
    validateTag('canaryTag', canaryTag, [stable.revision || DEFAULT_REVISION, canary.revision]);
    if (stableTag === canaryTag) throw invalid('canaryTag', "must differ from 'stableTag' (a tag points at one revision)", canaryTag);
    const defaultTag = props.defaultTag ?? false;
    if (defaultTag && legacy && !phase.atLeast(CanaryStep.OLD_REMOVED)) {
      throw invalid('defaultTag', "must not be set while the unrevisioned istiod runs (it already answers to 'default'; two injectors and two waypoint controllers would claim the same objects)", defaultTag,
        "set it from phase 'old-removed' of the first canary");
    }
    const timeout = props.helmTimeoutSeconds;
    if (timeout !== undefined) validateIntRange('helmTimeoutSeconds', timeout, 60, 3600);
    checkEscapeValues('istiodValues', props.istiodValues, IstioChart.ISTIOD, props.canaryVersion);

    const enrolled = mesh.ambientNamespaceNames;
    const stages = props.stages ?? [];
    if (phase.step === CanaryStep.TAGS_MOVING && phase.stage > stages.length) {
      throw invalid('phase', `must name a stage that exists (stages: ${stages.length})`, phase.toString(),
        stages.length > 0 ? `allowed: stage-1 … stage-${stages.length}` : "no 'stages' given: go from 'installed' to 'promoted'");
    }
    const pinned = props.pinnedNamespaces ?? [];
    for (const ns of pinned) {
      validateNamespaceName('pinnedNamespaces', ns);
      if (!enrolled.includes(ns)) throw invalid('pinnedNamespaces', 'must name only namespaces enrolled in the mesh', ns, `enrolled: ${enrolled.join(', ') || 'none'}`);
    }
    const movedUpTo = phase.step === CanaryStep.TAGS_MOVING ? phase.stage
      : phase.step === CanaryStep.PROMOTED ? stages.length : 0;
    const moved = new Set(resolveStages(stages, enrolled, movedUpTo));
    for (const ns of pinned) {
      if (stages.some((s) => s.names.includes(ns))) throw invalid('stages', 'must not name a pinned namespace', ns);
    }

    const dataPlane = props.dataPlaneVersion ?? stable.version;
    checkDataPlane(dataPlane, stable.version, canary.version, phase);
    const dataPlaneUpdate = props.dataPlaneUpdate ?? DataPlaneUpdate.ROLLING;
    if (!Object.values(DataPlaneUpdate).includes(dataPlaneUpdate)) throw invalid('dataPlaneUpdate', 'must be ROLLING or ON_DELETE', dataPlaneUpdate);
    if (dataPlaneUpdate === DataPlaneUpdate.ON_DELETE && compareMinor(dataPlane.minor, '1.26') < 0) {
      throw invalid('dataPlaneUpdate', `must be ROLLING with data plane ${dataPlane.version}: the cni and ztunnel charts offer 'updateStrategy' from 1.26`, dataPlaneUpdate,
        'use a new node group to avoid in-place restarts on older releases');
    }
    const dataPlaneOnCanary = compareVersions(dataPlane, canary.version) === 0 && compareVersions(dataPlane, stable.version) !== 0;
    if (phase.atLeast(CanaryStep.OLD_REMOVED)) {
      const users = [
        ...(dataPlaneOnCanary ? [] : [`ztunnel (dataPlaneVersion ${dataPlane.version})`]),
        ...pinned.map((ns) => `namespace ${ns} (pinnedNamespaces)`),
      ];
      if (users.length > 0) {
        throw invalid('phase', `must not remove revision '${stable.revision || DEFAULT_REVISION}' while it is in use by ${users.join(', ')}`, phase.toString(),
          `first move the data plane with dataPlaneVersion ${canary.version.version} and unpin namespaces`);
      }
    }
    for (const c of scopeMeshCanaries(this, mesh)) {
      throw invalid('mesh', `must not run two canaries at once: '${c.node.path}' already canaries this mesh`, this.node.path,
        'finish or roll back that upgrade first');
    }

    return { mesh, phase, legacy, stable, canary, stableTag, canaryTag, defaultTag, timeout, enrolled, pinned, moved, dataPlane, dataPlaneUpdate, dataPlaneOnCanary };
  }
}

function compareVersions(a: IstioVersion, b: IstioVersion): number {
  return compareMinor(a.minor, b.minor) || a.patch - b.patch;
}

function validateRevision(prop: string, revision: string): void {
  if (!isConcrete(revision)) throw invalid(prop, 'must be known at synth (Terraform addresses are keyed by it)', revision);
  if (!DNS1123.test(revision) || revision.length > MAX_REVISION) {
    throw invalid(prop, 'must be a DNS-1123 label', revision, `lowercase letters, digits and '-', at most ${MAX_REVISION} characters (release 'istiod-<revision>'), e.g. '1-23-6'`);
  }
  if (revision === DEFAULT_REVISION) throw invalid(prop, "must not be 'default' (the name of the unrevisioned istiod)", revision);
}

function validateTag(prop: string, tag: string, revisions: string[]): void {
  if (!isConcrete(tag) || !DNS1123.test(tag) || tag.length > MAX_TAG) {
    throw invalid(prop, 'must be a DNS-1123 label', tag, `lowercase letters, digits and '-', at most ${MAX_TAG} characters (release 'istio-tag-<tag>')`);
  }
  if (tag === DEFAULT_TAG) throw invalid(prop, "must not be 'default'", tag, "use 'defaultTag: true', which makes 'default' follow the stable tag");
  if (revisions.includes(tag)) throw invalid(prop, 'must not equal a revision name (a namespace label would be ambiguous)', tag, `revisions: ${revisions.join(', ')}`);
}

/** Other IstioCanaryRevision constructs on the same mesh, anywhere in the app. */
function scopeMeshCanaries(self: IstioCanaryRevision, mesh: IstioAmbientCluster): IConstruct[] {
  return self.node.root.node.findAll().filter((c) => c !== self && c instanceof IstioCanaryRevision && (c as IstioCanaryRevision).mesh === mesh);
}
