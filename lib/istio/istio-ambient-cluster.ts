import { Annotations, Fn, ITerraformDependable, TerraformProvider, TerraformStack, dependable } from 'cdktf';
import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Labels } from '@cdktf/provider-kubernetes/lib/labels';
import { Namespace } from '@cdktf/provider-kubernetes/lib/namespace';
import {
  ALLOW_UNSUPPORTED_K8S_PROP, SUPPORT_DATE_CONTEXT, checkDefaultKubernetesVersion, checkKubernetesVersion, defaultKubernetesVersion, istioEndOfLifeWarning, isoDay,
} from '../catalog/compatibility';
import { ISTIO_CHART_REPOSITORY, IstioVersion, compareMinor } from '../catalog/istio-versions';
import { IEksClusterRef } from '../eks/cluster-ref';
import { invalid } from '../private/errors';
import { HelmValues, checkEscapeValues, mergeValues } from '../private/helm-values';
import { IstioChart, IstioValuesOptions, ambientInstallOrder, cniExcludedNamespaces, istioChartValues } from '../private/istio-chart-values';
import { istioSourceWarnings, newIstioChartRelease } from '../private/istio-release';
import { bool, checkFreeForm, checkProps, freeForm, instanceOf, list, num, opt, props as propsSchema, shaped, str, validatedAt } from '../private/props';
import { terraformSafe } from '../private/terraform-escape';
import { isConcrete, validateChartRepository, validateIntRange, validateNamespaceName } from '../private/validate';
import { MeshPrechecks } from './checks/mesh-prechecks';
import { IstioResourceChart } from './istio-resource-chart';
import { MeshCluster } from './mesh-cluster';
import { IstioResource, MtlsMode, peerAuthentication } from './resources';
import { checkChartResources } from '../private/generated-chart';
import { kubeYaml } from '../private/kube-yaml';
import { AMBIENT_DATAPLANE_LABEL, ISTIO_SYSTEM_NAMESPACE } from '../wire/istio';

// The namespace the control plane, CNI and ztunnel run in, and the label that enrolls a namespace in ambient
// mode: Istio wire constants defined once in lib/wire/istio.ts, re-exported where the public API has always had them.
export { AMBIENT_DATAPLANE_LABEL, ISTIO_SYSTEM_NAMESPACE };

/** Props of {@link IstioAmbientCluster}. */
export interface IstioAmbientClusterProps {
  /**
   * The cluster, given once: `MeshCluster.create({...})` (a new EKS cluster, the mesh's child),
   * `MeshCluster.lookup({...})` (an existing cluster, looked up by name) or
   * `MeshCluster.fromCluster(cluster)` (a cluster construct of your own).
   */
  readonly cluster: MeshCluster;
  /** The Istio release; every chart is pinned to it. @default IstioVersion.DEFAULT (1.22.8) */
  readonly istioVersion?: IstioVersion;
  /**
   * Accept a Kubernetes version outside the Istio release's supported range: the synth error becomes
   * a warning. Needed today for new EKS clusters with Istio 1.22 (EKS no longer creates 1.27–1.30).
   * @default false
   */
  readonly allowUnsupportedKubernetesVersion?: boolean;
  /** Namespaces to create, labelled `istio.io/dataplane-mode=ambient`. @default - none */
  readonly ambientNamespaces?: string[];
  /** Namespaces that already exist, to label `istio.io/dataplane-mode=ambient`. @default - none */
  readonly enrollExistingNamespaces?: string[];
  /** Mesh-wide mTLS mode (a selector-less PeerAuthentication `default` in istio-system). @default MtlsMode.STRICT */
  readonly mtlsMode?: MtlsMode;
  /** More Istio resources for the generated mesh chart (installed after ztunnel). @default - none */
  readonly meshResources?: IstioResource[];
  /**
   * Image registry for all Istio images (`global.hub`, ztunnel `hub`): a mirror in restricted partitions, or a
   * pull-through cache against Docker Hub rate limits (e.g. ECR's `<account>.dkr.ecr.<region>.amazonaws.com/docker-hub/istio`).
   * @default - the charts' release hub (`docker.io/istio`); for 1.30, whose charts default to the retired `registry.istio.io/release`, `docker.io/istio`
   */
  readonly imageHub?: string;
  /**
   * Where the Istio charts come from: a Helm repository (`https://…`) or an OCI registry (`oci://…`),
   * e.g. `oci://ghcr.io/istio/release/charts` or a private mirror holding the same chart names and versions.
   * @default 'https://blob.istio.io/istio-release/charts'
   */
  readonly chartRepository?: string;
  /** Helm timeout per release. @default 600 */
  readonly helmTimeoutSeconds?: number;
  /**
   * Helm's `atomic` on every release. `true`: a failed install or upgrade is rolled back; a failed
   * FIRST install is uninstalled, with its pods, events and logs (the evidence of why it failed), and
   * the next apply installs again from scratch. `false`: the failed release stays in the cluster for
   * `helm status` / `kubectl` (the helm provider warns "created but has a failed status" and Terraform
   * marks it tainted, so the next apply replaces it). Prefer `false` while bringing up a new cluster.
   * @default true
   */
  readonly helmAtomic?: boolean;
  /** Helm provider for the releases. @default - the stack's default Helm provider */
  readonly helmProvider?: TerraformProvider;
  /** Kubernetes provider for the namespaces. @default - the stack's default Kubernetes provider */
  readonly kubernetesProvider?: TerraformProvider;
  /** Escape hatch: values for the `base` chart, merged last (maps merge, lists replace). @default - none */
  readonly baseValues?: HelmValues;
  /** Escape hatch: values for the `cni` chart, merged last. @default - none */
  readonly cniValues?: HelmValues;
  /** Escape hatch: values for the `istiod` chart, merged last. @default - none */
  readonly istiodValues?: HelmValues;
  /** Escape hatch: values for the `ztunnel` chart, merged last. @default - none */
  readonly ztunnelValues?: HelmValues;
}

/**
 * EKS (new or existing) + Istio in ambient mode: the official `base`, `cni`, `istiod` and `ztunnel`
 * charts pinned to one version and installed in the documented order, CRDs that upgrade with the
 * base chart, STRICT mTLS mesh-wide, and namespaces enrolled in ambient.
 */
export class IstioAmbientCluster extends Construct {
  public readonly istioVersion: IstioVersion;
  public readonly mtlsMode: MtlsMode;
  /** The repository every Istio chart is pulled from. */
  public readonly chartRepository: string;
  public readonly cluster: IEksClusterRef;
  /** The Kubernetes version the construct was told or chose (a token for a looked-up cluster without `kubernetesVersion`). */
  public readonly kubernetesVersion: string;
  public readonly base: Release;
  public readonly cni: Release;
  public readonly istiod: Release;
  public readonly ztunnel: Release;
  /** The generated chart with the mesh-wide PeerAuthentication and `meshResources`. */
  public readonly meshConfig: IstioResourceChart;
  public readonly ambientNamespaces: Namespace[];
  public readonly enrolledNamespaces: Labels[];
  /** Names of every namespace enrolled in ambient (created and labelled). */
  public readonly ambientNamespaceNames: readonly string[];
  /** Synth-time warnings (also reported through Annotations). */
  public readonly warnings: string[];
  private readonly escapeValues: Readonly<Record<IstioChart, HelmValues | undefined>>;
  private readonly valuesOptions: IstioValuesOptions;
  private readonly helmTimeoutSeconds: number;
  private readonly helmProvider?: TerraformProvider;
  /** Name and region of the cluster (literals or tokens), for the one-mesh-per-cluster rule. */
  private readonly clusterIdentity: { readonly clusterName: string; readonly region: string };

  constructor(scope: Construct, id: string, props: IstioAmbientClusterProps) {
    super(scope, id);
    // ---- validation, before any child exists
    const checked = validatedAt(this, () => this.validate(props));
    const { plan, timeout, ambientNs, enrollNs, allowUnsupported } = checked;
    this.istioVersion = checked.istioVersion;
    this.mtlsMode = checked.mtlsMode;
    this.chartRepository = checked.chartRepository;
    this.warnings = checked.warnings;
    this.ambientNamespaceNames = [...ambientNs, ...enrollNs];
    this.clusterIdentity = { clusterName: plan.clusterName, region: plan.region };

    // ---- children
    this.cluster = plan.create(this, 'Cluster');
    this.kubernetesVersion = plan.kubernetesVersion ?? this.cluster.kubernetesVersion;

    const releases = new Construct(this, 'Releases');
    const escape: Record<IstioChart, HelmValues | undefined> = {
      [IstioChart.BASE]: props.baseValues, [IstioChart.CNI]: props.cniValues,
      [IstioChart.ISTIOD]: props.istiodValues, [IstioChart.ZTUNNEL]: props.ztunnelValues,
    };
    this.escapeValues = escape;
    this.valuesOptions = { imageHub: props.imageHub, istiodNamespace: ISTIO_SYSTEM_NAMESPACE, ztunnelReleaseName: RELEASE_NAMES[IstioChart.ZTUNNEL] };
    this.helmTimeoutSeconds = timeout;
    this.helmProvider = props.helmProvider;
    const made: Partial<Record<IstioChart, Release>> = {};
    let previous: ITerraformDependable[] = this.cluster.readyDependables;
    const versionGuard = this.kubernetesVersionPrecondition(allowUnsupported);
    for (const chart of ambientInstallOrder(this.istioVersion)) {
      made[chart] = newIstioChartRelease(releases, pascal(chart), {
        chart,
        version: this.istioVersion,
        releaseName: RELEASE_NAMES[chart],
        namespace: ISTIO_SYSTEM_NAMESPACE,
        repository: this.chartRepository,
        values: this.valuesOptions,
        escapeValues: escape[chart],
        escapeProp: `${chart}Values`,
        createNamespace: chart === IstioChart.BASE,
        timeoutSeconds: timeout,
        atomic: props.helmAtomic ?? true,
        provider: props.helmProvider,
        dependsOn: previous,
        lifecycle: chart === IstioChart.BASE && versionGuard ? { precondition: [versionGuard] } : undefined,
      });
      previous = [made[chart]!];
    }
    this.base = made[IstioChart.BASE]!;
    this.cni = made[IstioChart.CNI]!;
    this.istiod = made[IstioChart.ISTIOD]!;
    this.ztunnel = made[IstioChart.ZTUNNEL]!;

    this.meshConfig = new IstioResourceChart(this, 'MeshConfig', {
      releaseName: 'istio-mesh-config',
      resources: [peerAuthentication('default', ISTIO_SYSTEM_NAMESPACE, this.mtlsMode), ...(props.meshResources ?? [])],
      dependsOn: [this.ztunnel],
      helmProvider: props.helmProvider,
      atomic: props.helmAtomic,
    });

    const nsGroup = new Construct(this, 'Namespaces');
    this.ambientNamespaces = ambientNs.map((name) => new Namespace(nsGroup, `Ambient-${name}`, terraformSafe({
      provider: props.kubernetesProvider,
      metadata: { name, labels: { ...AMBIENT_DATAPLANE_LABEL } },
      dependsOn: [this.ztunnel],
    })));
    this.enrolledNamespaces = enrollNs.map((name) => new Labels(nsGroup, `Enroll-${name}`, terraformSafe({
      provider: props.kubernetesProvider,
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
      labels: { ...AMBIENT_DATAPLANE_LABEL },
      fieldManager: 'cdktf-istio-mesh',
      dependsOn: [this.ztunnel],
    })));

    for (const w of this.warnings) Annotations.of(this).addWarning(w);
    MeshPrechecks.addTo(TerraformStack.of(this));
  }

  private validate(props: IstioAmbientClusterProps) {
    checkProps('IstioAmbientCluster', PROPS_SCHEMA, props);
    if (props.cluster === undefined) {
      throw invalid('cluster', 'is required', undefined, 'MeshCluster.create({ clusterName, region, … }), MeshCluster.lookup({ clusterName, region }) or MeshCluster.fromCluster(cluster)');
    }
    const istioVersion = props.istioVersion ?? IstioVersion.DEFAULT;
    const mtlsMode = props.mtlsMode ?? MtlsMode.STRICT;
    if (!Object.values(MtlsMode).includes(mtlsMode)) {
      throw invalid('mtlsMode', 'must be STRICT or PERMISSIVE (ambient ignores DISABLE: ztunnel always speaks mTLS)', mtlsMode);
    }
    const asOf = isoDay(this.node.tryGetContext(SUPPORT_DATE_CONTEXT));
    const plan = props.cluster.plan('cluster', defaultKubernetesVersion(istioVersion, asOf));
    const timeout = props.helmTimeoutSeconds ?? 600;
    validateIntRange('helmTimeoutSeconds', timeout, 60, 3600);
    const ambientNs = props.ambientNamespaces ?? [];
    const enrollNs = props.enrollExistingNamespaces ?? [];
    this.validateNamespaces(ambientNs, enrollNs);
    checkEscapeValues('baseValues', props.baseValues, IstioChart.BASE, istioVersion);
    checkEscapeValues('cniValues', props.cniValues, IstioChart.CNI, istioVersion);
    checkEscapeValues('istiodValues', props.istiodValues, IstioChart.ISTIOD, istioVersion);
    checkEscapeValues('ztunnelValues', props.ztunnelValues, IstioChart.ZTUNNEL, istioVersion);
    const chartRepository = props.chartRepository ?? ISTIO_CHART_REPOSITORY;
    validateChartRepository('chartRepository', chartRepository);
    checkMeshResources(props.meshResources);
    for (const ns of cniExcludedNamespaces(props.cniValues, istioVersion)) {
      if (ambientNs.includes(ns) || enrollNs.includes(ns)) {
        throw invalid('cniValues', `lists the enrolled namespace '${ns}' in excludeNamespaces: istio-cni never redirects its pods${compareMinor(istioVersion.minor, '1.30') >= 0 ? ', and Istio 1.30+ un-enrolls its running pods' : ''}`, ns,
          'remove it from excludeNamespaces or from ambientNamespaces/enrollExistingNamespaces');
      }
    }

    const allowUnsupported = props.allowUnsupportedKubernetesVersion ?? false;
    const warnings: string[] = [];
    if (plan.kubernetesVersion !== undefined && isConcrete(plan.kubernetesVersion)) {
      if (plan.kubernetesVersionDefaulted) checkDefaultKubernetesVersion(plan.kubernetesVersionProp, plan.kubernetesVersion, istioVersion, asOf);
      warnings.push(...checkKubernetesVersion({
        prop: plan.kubernetesVersionProp, kubernetesVersion: plan.kubernetesVersion, istioVersion, newCluster: plan.newCluster,
        allowUnsupportedKubernetesVersion: allowUnsupported, asOf,
      }));
    }
    const eol = istioEndOfLifeWarning(istioVersion, asOf);
    if (eol) warnings.push(eol);
    warnings.push(...istioSourceWarnings(chartRepository, props.imageHub));
    this.checkOneMeshPerCluster(plan.clusterName, plan.region);
    return { plan, timeout, ambientNs, enrollNs, allowUnsupported, istioVersion, mtlsMode, warnings, chartRepository };
  }

  /**
   * Two meshes on one cluster would install the same Helm releases twice (the second apply fails
   * half-way on Helm ownership): refuse at synth. Same cluster = the same name and region strings
   * (literals, or the same Terraform token), anywhere in the app.
   */
  private checkOneMeshPerCluster(clusterName: string, region: string): void {
    for (const other of this.node.root.node.findAll()) {
      if (other === this || !(other instanceof IstioAmbientCluster) || other.clusterIdentity === undefined) continue;
      const same = other.clusterIdentity.clusterName === clusterName && other.clusterIdentity.region === region;
      if (same) {
        throw invalid('cluster', `already has a mesh (${other.node.path}); one IstioAmbientCluster per cluster installs Istio once — add namespaces or resources to that mesh instead`,
          isConcrete(clusterName) && isConcrete(region) ? `${clusterName} in ${region}` : 'the same cluster');
      }
    }
  }

  /** Istio versions a canary in this stack has in play (empty without one). */
  private readonly versionsInPlay: IstioVersion[] = [];

  /**
   * @internal Used by IstioCanaryRevision: the versions whose control plane or data plane runs while
   * the stack is applied (the stable revision unless removed, the canary, the data plane's release).
   */
  public _noteVersionsInPlay(versions: readonly IstioVersion[]): void {
    this.versionsInPlay.push(...versions);
  }

  /**
   * @internal The Istio minors the prechecks judge this mesh's resources at: the installed release's,
   * or during a canary upgrade every minor in play (a policy must hold at each).
   */
  public _minorsInPlay(): string[] {
    if (this.versionsInPlay.length === 0) return [this.istioVersion.minor];
    return [...new Set(this.versionsInPlay.map((v) => v.minor))].sort(compareMinor);
  }

  /**
   * @internal Used by IstioCanaryRevision: a revisioned istiod release with the mesh's profile, hub,
   * repository, Helm policy and `istiodValues` (then `extraValues`), i.e. the same mesh settings as the
   * mesh's own istiod. Fails when the escape values hold a key known to be wrong for that minor.
   */
  public _revisionedIstiod(scope: Construct, id: string, o: {
    version: IstioVersion; revision: string; extraValues?: HelmValues; dependsOn: ITerraformDependable[]; provider?: TerraformProvider; timeoutSeconds?: number;
  }): Release {
    return newIstioChartRelease(scope, id, {
      chart: IstioChart.ISTIOD,
      version: o.version,
      releaseName: `istiod-${o.revision}`,
      namespace: ISTIO_SYSTEM_NAMESPACE,
      repository: this.chartRepository,
      values: { ...this.valuesOptions, revision: o.revision },
      escapeValues: this.escapeValues[IstioChart.ISTIOD] || o.extraValues ? mergeValues(this.escapeValues[IstioChart.ISTIOD] ?? {}, o.extraValues) : undefined,
      escapeProp: 'istiodValues',
      timeoutSeconds: o.timeoutSeconds ?? this.helmTimeoutSeconds,
      provider: o.provider ?? this.helmProvider,
      dependsOn: o.dependsOn,
    });
  }

  /**
   * @internal Used by IstioCanaryRevision, which takes over the versions of the mesh's base, cni and
   * ztunnel releases during an upgrade: re-pins one release (same Terraform address, so an in-place
   * `helm upgrade`) to `version` with the values the mesh gives that chart at that version, `extra`
   * merged before the user's escape values, ordered after `after`.
   */
  public _repin(chart: IstioChart, version: IstioVersion, options: IstioValuesOptions, extra: HelmValues | undefined, after: ITerraformDependable[]): void {
    const target = { [IstioChart.BASE]: this.base, [IstioChart.CNI]: this.cni, [IstioChart.ZTUNNEL]: this.ztunnel, [IstioChart.ISTIOD]: undefined }[chart];
    if (!target) throw new Error(`_repin: ${chart} is not re-pinnable`);
    checkEscapeValues(`${chart}Values`, this.escapeValues[chart], chart, version);
    const values = mergeValues(mergeValues(istioChartValues(chart, version, { ...this.valuesOptions, ...options }), extra), this.escapeValues[chart]);
    target.version = version.version;
    target.values = terraformSafe([kubeYaml(values, 80)]);
    if (after.length > 0) target.dependsOn = after.map((d) => dependable(d));
  }

  /**
   * @internal Used by IstioCanaryRevision once the unrevisioned istiod is retired: removes its
   * release from the tree (Terraform uninstalls it). `istiod` then refers to a detached construct.
   */
  public _removeUnrevisionedIstiod(): void {
    this.node.findChild('Releases').node.tryRemoveChild(pascal(IstioChart.ISTIOD));
  }

  /**
   * For a cluster whose version is known only at plan time: the synth-time rule as a precondition on
   * the first release, so nothing is installed into an unsupported cluster.
   */
  private kubernetesVersionPrecondition(allowUnsupported: boolean): { condition: string; errorMessage: string } | undefined {
    if (isConcrete(this.cluster.kubernetesVersion) || allowUnsupported) return undefined;
    const versions = this.istioVersion.supportedKubernetesVersions;
    return {
      condition: Fn.contains(versions, this.cluster.kubernetesVersion),
      errorMessage: `The cluster's Kubernetes version is outside Istio ${this.istioVersion.version}'s supported range (${versions.join(', ')}). Upgrade the cluster, or set '${ALLOW_UNSUPPORTED_K8S_PROP}: true' to install anyway.`,
    };
  }

  private validateNamespaces(created: string[], enrolled: string[]): void {
    const seen = new Set<string>();
    for (const [prop, list] of [['ambientNamespaces', created], ['enrollExistingNamespaces', enrolled]] as const) {
      for (const ns of list) {
        validateNamespaceName(prop, ns);
        if (ns === ISTIO_SYSTEM_NAMESPACE || ns === 'kube-system') {
          throw invalid(prop, 'must not enroll the Istio or Kubernetes system namespaces in ambient', ns, 'istio-system and kube-system run the mesh itself');
        }
        if (seen.has(ns)) throw invalid(prop, 'must not list a namespace twice (across ambientNamespaces and enrollExistingNamespaces)', ns);
        seen.add(ns);
      }
    }
  }
}

const PROVIDER = (what: string) => instanceOf(TerraformProvider, `a ${what} provider (TerraformProvider)`);

/** Runtime shape of {@link IstioAmbientClusterProps}: a JavaScript caller gets a validation error, not a TypeError. */
const PROPS_SCHEMA = propsSchema({
  cluster: instanceOf(MeshCluster, 'a MeshCluster (MeshCluster.create, MeshCluster.lookup or MeshCluster.fromCluster)'),
  istioVersion: opt(instanceOf(IstioVersion, "an IstioVersion (IstioVersion.V1_22_8 or IstioVersion.of('1.22.8'))")),
  allowUnsupportedKubernetesVersion: opt(bool),
  ambientNamespaces: opt(list(str(253))),
  enrollExistingNamespaces: opt(list(str(253))),
  mtlsMode: opt(str(32)),
  meshResources: opt(list(shaped('an Istio resource ({ apiVersion, kind, metadata, spec })', ['apiVersion', 'kind', 'metadata']), 200)),
  imageHub: opt(str(512)),
  chartRepository: opt(str(2048)),
  helmTimeoutSeconds: opt(num),
  helmAtomic: opt(bool),
  helmProvider: opt(PROVIDER('Helm')),
  kubernetesProvider: opt(PROVIDER('Kubernetes')),
  baseValues: opt(freeForm),
  cniValues: opt(freeForm),
  istiodValues: opt(freeForm),
  ztunnelValues: opt(freeForm),
});

/** Helm release names, as in Istio's install docs. */
export const RELEASE_NAMES: Readonly<Record<IstioChart, string>> = {
  [IstioChart.BASE]: 'istio-base',
  [IstioChart.CNI]: 'istio-cni',
  [IstioChart.ISTIOD]: 'istiod',
  [IstioChart.ZTUNNEL]: 'ztunnel',
};

/** Shapes of `meshResources` items (names and kinds are checked again, as Kubernetes requires, by the generated chart). */
function checkMeshResources(resources: readonly IstioResource[] | undefined): void {
  (resources ?? []).forEach((r, i) => {
    const prop = `meshResources[${i}]`;
    for (const k of ['apiVersion', 'kind'] as const) {
      if (typeof r[k] !== 'string') throw invalid(`${prop}.${k}`, 'must be a string', r[k]);
    }
    const m = r.metadata as unknown as Record<string, unknown>;
    if (typeof m !== 'object' || m === null) throw invalid(`${prop}.metadata`, 'must be an object with name and namespace', m);
    for (const k of ['name', 'namespace'] as const) {
      if (typeof m[k] !== 'string') throw invalid(`${prop}.metadata.${k}`, 'must be a string', m[k]);
    }
    checkFreeForm(`${prop}.spec`, r.spec ?? {});
  });
  // Identity as Kubernetes requires and no clash with the mesh-wide PeerAuthentication, before any child exists.
  checkChartResources('meshResources', resources ?? [], [peerAuthentication('default', ISTIO_SYSTEM_NAMESPACE, MtlsMode.STRICT)]);
}

function pascal(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

