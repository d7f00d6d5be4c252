import { ITerraformDependable, TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { Release, ReleaseConfig } from '@cdktf/provider-helm/lib/release';
import { ISTIO_CHART_REPOSITORY, ISTIO_LEGACY_CHART_REPOSITORY, IstioVersion } from '../catalog/istio-versions';
import { invalid } from './errors';
import { HelmValues, checkEscapeValues, mergeValues } from './helm-values';
import { IstioChart, IstioValuesOptions, isRetiredRegistry, istioChartValues } from './istio-chart-values';
import { terraformSafe } from './terraform-escape';
import { validateChartRepository } from './validate';
import { kubeYaml } from './kube-yaml';

/** The Helm policy every Istio release of the library shares. */
export interface IstioReleasePolicy {
  /** Helm timeout. */
  readonly timeoutSeconds: number;
  /** Helm provider. @default - the stack's default Helm provider */
  readonly provider?: TerraformProvider;
  /** What must be installed first. @default - nothing */
  readonly dependsOn?: ITerraformDependable[];
  /** Extra lifecycle (e.g. the Kubernetes-version precondition). @default - none */
  readonly lifecycle?: ReleaseConfig['lifecycle'];
  /** Helm's `atomic` (see `IstioAmbientClusterProps.helmAtomic` for what it does to a failed first install). @default true */
  readonly atomic?: boolean;
}

/** One official Istio chart at one version (see {@link newIstioChartRelease}). */
export interface IstioChartReleaseOptions extends IstioReleasePolicy {
  /** The chart. */
  readonly chart: IstioChart;
  /** The Istio release: pins the chart version and selects the values layout. */
  readonly version: IstioVersion;
  /** Helm release name. */
  readonly releaseName: string;
  /** Namespace of the release. */
  readonly namespace: string;
  /** Chart repository, `https://` or `oci://` (validated). @default ISTIO_CHART_REPOSITORY */
  readonly repository?: string;
  /** Inputs of the values seam (hub, revision, namespaces). */
  readonly values?: IstioValuesOptions;
  /** The user's escape-hatch values, merged last; checked against the minor's known-wrong keys. */
  readonly escapeValues?: HelmValues;
  /** Prop name of the escape-hatch values, for messages. @default '<chart>Values' */
  readonly escapeProp?: string;
  /** Let Helm create the namespace (the first release into it). @default false */
  readonly createNamespace?: boolean;
}

/** A chart the library generated at synth (Istio resources), see {@link newGeneratedChartRelease}. */
export interface GeneratedChartReleaseOptions extends IstioReleasePolicy {
  /** Path of the chart directory (a TerraformAsset path). */
  readonly chartPath: string;
  readonly releaseName: string;
  readonly namespace: string;
}

/** Releases of official Istio charts made by {@link newIstioChartRelease} (whatever their repository). */
const ISTIO_CHART_RELEASES = new WeakSet<Release>();

/** True for a release of an official Istio chart made by the library (the CIM-6003 precheck reads them). */
export function isLibraryIstioChartRelease(r: Release): boolean {
  return ISTIO_CHART_RELEASES.has(r);
}

/**
 * The one place an Istio `helm_release` is made. API for constructs (IstioAmbientCluster, the
 * generated resource chart, and the canary construct that installs a revisioned istiod):
 *
 * ```ts
 * newIstioChartRelease(scope, 'Istiod', {
 *   chart: IstioChart.ISTIOD, version, releaseName: `istiod-${version.revisionName}`,
 *   namespace: 'istio-system', repository: props.chartRepository,       // validated here
 *   values: { revision: version.revisionName, imageHub },               // → istioChartValues
 *   escapeValues: props.istiodValues, escapeProp: 'istiodValues',
 *   timeoutSeconds: 600, provider: props.helmProvider, dependsOn: [...],
 * });
 * ```
 *
 * Policy, same for every Istio release: chart pinned to `version.version`; `wait`, `atomic` (unless the
 * caller turns it off) and `cleanup_on_fail` (a failed upgrade rolls back; a failed *first* install
 * is removed with its evidence); every literal escaped for Terraform (terraformSafe); `skip_crds` on base (CRDs are templates owned by base in every minor, see
 * istioChartValues); values = the seam's values ← escape values, as one YAML document.
 * With `values.revision` on istiod, the release never renders revision tags: tag objects are
 * keyed by tag, not by revision, and belong in a release of their own (facts §2.6), so escape values
 * that set `revisionTags` fail.
 */
export function newIstioChartRelease(scope: Construct, id: string, o: IstioChartReleaseOptions): Release {
  const repository = o.repository ?? ISTIO_CHART_REPOSITORY;
  validateChartRepository('chartRepository', repository);
  const escapeProp = o.escapeProp ?? `${o.chart}Values`;
  checkEscapeValues(escapeProp, o.escapeValues, o.chart, o.version);
  if (o.chart === IstioChart.ISTIOD && o.values?.revision !== undefined && o.escapeValues && 'revisionTags' in o.escapeValues) {
    throw invalid(escapeProp, 'must not set \'revisionTags\' on a revisioned istiod (tags belong to a release of their own; Helm ownership would collide between revisions)', o.escapeValues.revisionTags);
  }
  const values = mergeValues(istioChartValues(o.chart, o.version, o.values), o.escapeValues);
  const release = new Release(scope, id, terraformSafe({
    ...policy(o),
    name: o.releaseName,
    repository,
    chart: o.chart,
    version: o.version.version,
    namespace: o.namespace,
    createNamespace: o.createNamespace ? true : undefined,
    skipCrds: o.chart === IstioChart.BASE ? true : undefined,
    values: [kubeYaml(values, 80)],
  }));
  ISTIO_CHART_RELEASES.add(release);
  return release;
}

/** Chart locations Istio empties in December 2026 (blog 2026-08-21, facts §2.1). */
export const RETIRED_CHART_REPOSITORIES: readonly string[] = [ISTIO_LEGACY_CHART_REPOSITORY, 'oci://gcr.io/istio-release/charts'];

/**
 * Warnings for sources Istio retires in December 2026: a chart repository it empties, or an image hub
 * under a registry it decommissions. Constructs report them with Annotations (harmless today, broken then).
 */
export function istioSourceWarnings(repository: string | undefined, imageHub: string | undefined): string[] {
  const out: string[] = [];
  if (repository !== undefined && RETIRED_CHART_REPOSITORIES.includes(repository.replace(/\/$/, ''))) {
    out.push(`'chartRepository' ${repository} loses Istio's charts in December 2026; use ${ISTIO_CHART_REPOSITORY} (the default) or a mirror.`);
  }
  if (imageHub !== undefined && isRetiredRegistry(imageHub)) {
    out.push(`'imageHub' ${imageHub} is a registry Istio decommissions in December 2026; use docker.io/istio or a pull-through cache of it.`);
  }
  return out;
}

/** The `helm_release` of a generated chart, with the same policy as the official charts. */
export function newGeneratedChartRelease(scope: Construct, id: string, o: GeneratedChartReleaseOptions): Release {
  return new Release(scope, id, terraformSafe({ ...policy(o), name: o.releaseName, chart: o.chartPath, namespace: o.namespace }));
}

function policy(o: IstioReleasePolicy): Pick<ReleaseConfig, 'provider' | 'wait' | 'atomic' | 'cleanupOnFail' | 'timeout' | 'dependsOn' | 'lifecycle'> {
  return {
    provider: o.provider,
    wait: true,
    atomic: o.atomic ?? true,
    cleanupOnFail: true,
    timeout: o.timeoutSeconds,
    dependsOn: o.dependsOn && o.dependsOn.length > 0 ? o.dependsOn : undefined,
    lifecycle: o.lifecycle,
  };
}
