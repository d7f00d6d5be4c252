import { Annotations, Fn, ITerraformDependable, TerraformProvider, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import { Release } from '@cdktf/provider-helm/lib/release';
import { Labels } from '@cdktf/provider-kubernetes/lib/labels';
import { Namespace } from '@cdktf/provider-kubernetes/lib/namespace';
import { stringify } from 'yaml';
import { ALLOW_UNSUPPORTED_K8S_PROP, SUPPORT_DATE_CONTEXT, checkKubernetesVersion, isoDay } from '../catalog/compatibility';
import { ISTIO_CHART_REPOSITORY, IstioVersion } from '../catalog/istio-versions';
import { IEksClusterRef } from '../eks/cluster-ref';
import { EksCluster, EksClusterOptions } from '../eks/eks-cluster';
import { ExistingEksCluster } from '../eks/existing-eks-cluster';
import { invalid } from '../private/errors';
import { HelmValues, checkEscapeValues, mergeValues } from '../private/helm-values';
import { AMBIENT_INSTALL_ORDER, IstioChart, istioChartValues } from '../private/istio-chart-values';
import { isConcrete, validateClusterName, validateIntRange, validateNamespaceName, validateRegion } from '../private/validate';
import { MeshPrechecks } from './checks/mesh-prechecks';
import { IstioResourceChart } from './istio-resource-chart';
import { IstioResource, MtlsMode, peerAuthentication } from './resources';

/** The namespace the control plane, CNI and ztunnel run in (ztunnel's identity is trusted there). */
export const ISTIO_SYSTEM_NAMESPACE = 'istio-system';
/** The namespace label that enrolls workloads in ambient mode. */
export const AMBIENT_DATAPLANE_LABEL = { 'istio.io/dataplane-mode': 'ambient' } as const;

/** Props of {@link IstioAmbientCluster}. */
export interface IstioAmbientClusterProps {
  /** EKS cluster name (1–100 characters, starts alphanumeric, `[A-Za-z0-9_-]`); may be a Terraform variable. */
  readonly clusterName: string;
  /** AWS region code of the cluster; may be a Terraform variable. */
  readonly region: string;
  /** Restrict `region` to these codes (organisation policy). @default - any AWS region */
  readonly allowedRegions?: string[];
  /** The Istio release; every chart is pinned to it. @default IstioVersion.LATEST (1.22.8) */
  readonly istioVersion?: IstioVersion;
  /**
   * The cluster to install into, created or looked up by a sibling construct ({@link EksCluster},
   * {@link ExistingEksCluster}).
   * @default - a new EksCluster child, or an ExistingEksCluster child when `existingCluster` is true
   */
  readonly cluster?: IEksClusterRef;
  /** Install into an existing cluster named `clusterName`, looked up as data sources. Ignored with `cluster`. @default false */
  readonly existingCluster?: boolean;
  /** Options of the new cluster when the construct creates it. @default - EksCluster defaults */
  readonly clusterOptions?: EksClusterOptions;
  /**
   * Kubernetes minor of the new cluster (e.g. `1.30`); for an existing cluster, the version you expect
   * (checked at synth; the looked-up version is checked at plan time either way).
   * @default - the newest Kubernetes minor the Istio release supports
   */
  readonly kubernetesVersion?: string;
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
  /** Image registry for all Istio images (`global.hub`), e.g. a mirror in restricted partitions. @default - the charts' release hub */
  readonly imageHub?: string;
  /** Helm timeout per release. @default 600 */
  readonly helmTimeoutSeconds?: number;
  /** Helm provider for the releases. @default - the stack's default Helm provider */
  readonly helmProvider?: TerraformProvider;
  /** Kubernetes provider for the namespaces. @default - the stack's default Kubernetes provider */
  readonly kubernetesProvider?: TerraformProvider;
  /** AWS provider for the cluster resources. @default - the stack's default AWS provider */
  readonly awsProvider?: TerraformProvider;
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

  constructor(scope: Construct, id: string, props: IstioAmbientClusterProps) {
    super(scope, id);
    // ---- validation, before any child exists
    this.istioVersion = props.istioVersion ?? IstioVersion.LATEST;
    this.mtlsMode = props.mtlsMode ?? MtlsMode.STRICT;
    if (!Object.values(MtlsMode).includes(this.mtlsMode)) {
      throw invalid('mtlsMode', 'must be STRICT or PERMISSIVE (ambient ignores DISABLE: ztunnel always speaks mTLS)', this.mtlsMode);
    }
    validateClusterName('clusterName', props.clusterName);
    validateRegion('region', props.region, props.allowedRegions);
    if (props.cluster && isConcrete(props.cluster.region) && isConcrete(props.region) && props.cluster.region !== props.region) {
      throw invalid('region', `must match the region of 'cluster' (${props.cluster.region})`, props.region);
    }
    const timeout = props.helmTimeoutSeconds ?? 600;
    validateIntRange('helmTimeoutSeconds', timeout, 60, 3600);
    const ambientNs = props.ambientNamespaces ?? [];
    const enrollNs = props.enrollExistingNamespaces ?? [];
    this.validateNamespaces(ambientNs, enrollNs);
    this.ambientNamespaceNames = [...ambientNs, ...enrollNs];
    checkEscapeValues('baseValues', props.baseValues);
    checkEscapeValues('cniValues', props.cniValues);
    checkEscapeValues('istiodValues', props.istiodValues);
    checkEscapeValues('ztunnelValues', props.ztunnelValues);

    const existing = props.cluster ? !props.cluster.isNew : props.existingCluster ?? false;
    const allowUnsupported = props.allowUnsupportedKubernetesVersion ?? false;
    const k8s = props.kubernetesVersion
      ?? (props.cluster ? props.cluster.kubernetesVersion : existing ? undefined : this.istioVersion.info.kubernetesMax);
    this.warnings = [];
    if (k8s !== undefined && isConcrete(k8s)) {
      this.warnings.push(...checkKubernetesVersion({
        prop: 'kubernetesVersion', kubernetesVersion: k8s, istioVersion: this.istioVersion, newCluster: !existing,
        allowUnsupportedKubernetesVersion: allowUnsupported, asOf: isoDay(this.node.tryGetContext(SUPPORT_DATE_CONTEXT)),
      }));
    }
    if (this.istioVersion.info.endOfLife <= isoDay(this.node.tryGetContext(SUPPORT_DATE_CONTEXT))) {
      this.warnings.push(`Istio ${this.istioVersion.minor} reached end of life on ${this.istioVersion.info.endOfLife}; it receives no security fixes.`);
    }

    // ---- children
    this.cluster = props.cluster ?? (existing
      ? new ExistingEksCluster(this, 'Cluster', { clusterName: props.clusterName, region: props.region, awsProvider: props.awsProvider })
      : new EksCluster(this, 'Cluster', {
        ...props.clusterOptions, clusterName: props.clusterName, region: props.region, kubernetesVersion: k8s!, awsProvider: props.awsProvider,
      }));
    this.kubernetesVersion = k8s ?? this.cluster.kubernetesVersion;

    const releases = new Construct(this, 'Releases');
    const escape: Record<IstioChart, HelmValues | undefined> = {
      [IstioChart.BASE]: props.baseValues, [IstioChart.CNI]: props.cniValues,
      [IstioChart.ISTIOD]: props.istiodValues, [IstioChart.ZTUNNEL]: props.ztunnelValues,
    };
    const made: Partial<Record<IstioChart, Release>> = {};
    let previous: ITerraformDependable[] = this.cluster.readyDependables;
    const versionGuard = this.kubernetesVersionPrecondition(allowUnsupported);
    for (const chart of AMBIENT_INSTALL_ORDER) {
      const values = mergeValues(istioChartValues(chart, { imageHub: props.imageHub }), escape[chart]);
      const release = new Release(releases, pascal(chart), {
        provider: props.helmProvider,
        name: RELEASE_NAMES[chart],
        repository: ISTIO_CHART_REPOSITORY,
        chart,
        version: this.istioVersion.version,
        namespace: ISTIO_SYSTEM_NAMESPACE,
        createNamespace: chart === IstioChart.BASE ? true : undefined,
        skipCrds: chart === IstioChart.BASE ? true : undefined,
        wait: true,
        atomic: true,
        cleanupOnFail: true,
        timeout,
        values: [stringify(values)],
        dependsOn: previous.length > 0 ? previous : undefined,
        lifecycle: chart === IstioChart.BASE && versionGuard ? { precondition: [versionGuard] } : undefined,
      });
      made[chart] = release;
      previous = [release];
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
    });

    const nsGroup = new Construct(this, 'Namespaces');
    this.ambientNamespaces = ambientNs.map((name) => new Namespace(nsGroup, `Ambient-${name}`, {
      provider: props.kubernetesProvider,
      metadata: { name, labels: { ...AMBIENT_DATAPLANE_LABEL } },
      dependsOn: [this.ztunnel],
    }));
    this.enrolledNamespaces = enrollNs.map((name) => new Labels(nsGroup, `Enroll-${name}`, {
      provider: props.kubernetesProvider,
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name },
      labels: { ...AMBIENT_DATAPLANE_LABEL },
      fieldManager: 'cdktf-istio-mesh',
      dependsOn: [this.ztunnel],
    }));

    for (const w of this.warnings) Annotations.of(this).addWarning(w);
    MeshPrechecks.addTo(TerraformStack.of(this));
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

/** Helm release names, as in Istio's install docs. */
export const RELEASE_NAMES: Readonly<Record<IstioChart, string>> = {
  [IstioChart.BASE]: 'istio-base',
  [IstioChart.CNI]: 'istio-cni',
  [IstioChart.ISTIOD]: 'istiod',
  [IstioChart.ZTUNNEL]: 'ztunnel',
};

function pascal(s: string): string {
  return s[0].toUpperCase() + s.slice(1);
}

