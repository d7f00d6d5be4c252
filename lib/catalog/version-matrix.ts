import { EKS_VERSIONS, EksSupportState, eksSupportState, findEksVersion } from './eks-versions';
import { ISTIO_DOCKER_HUB, ISTIO_MINORS, IstioMinorInfo, IstioVersion, compareMinor, minorRange } from './istio-versions';
import { isSupportedPair, planUpgrade, renderUpgradePlan } from './upgrade-path';

/** One cell of the matrix: does Istio support the Kubernetes minor, and what does EKS offer on the day. */
export enum MatrixCell {
  /** Istio supports it; EKS standard support: a supported pair (if the Istio minor is not past EOL). */
  STANDARD = 'std',
  /** Istio supports it; EKS extended support (extra cost per cluster hour; synth warns). */
  EXTENDED = 'ext',
  /** Istio supports it; EKS no longer runs it (extended support ended), or has not released it. */
  NOT_ON_EKS = 'no EKS',
  /** Istio does not support it. */
  UNSUPPORTED = '',
}

/** The cell for (Istio minor, Kubernetes minor) on `asOf`. */
export function matrixCell(minor: IstioMinorInfo, kubernetesVersion: string, asOf: string): MatrixCell {
  if (compareMinor(kubernetesVersion, minor.kubernetesMin) < 0 || compareMinor(kubernetesVersion, minor.kubernetesMax) > 0) return MatrixCell.UNSUPPORTED;
  const eks = findEksVersion(kubernetesVersion);
  const state = eks ? eksSupportState(eks, asOf) : EksSupportState.UNRELEASED;
  if (state === EksSupportState.STANDARD) return MatrixCell.STANDARD;
  if (state === EksSupportState.EXTENDED) return MatrixCell.EXTENDED;
  return MatrixCell.NOT_ON_EKS;
}

/** Kubernetes minors the matrix shows: every minor any Istio row supports or EKS lists. */
export function matrixKubernetesVersions(): string[] {
  const all = [...ISTIO_MINORS.flatMap((m) => [m.kubernetesMin, m.kubernetesMax]), ...EKS_VERSIONS.map((v) => v.version)].sort(compareMinor);
  return minorRange(all[0], all[all.length - 1]);
}

function eolText(m: IstioMinorInfo, asOf: string): string {
  const when = m.endOfLife.expected ? `~${m.endOfLife.date.slice(0, 7)} (expected)` : m.endOfLife.date;
  return asOf >= m.endOfLife.date ? `${when}, past` : when;
}

function eksHeader(k: string, asOf: string): string {
  const eks = findEksVersion(k);
  if (!eks) return 'not on EKS';
  switch (eksSupportState(eks, asOf)) {
    case EksSupportState.STANDARD: return `std to ${eks.endOfStandardSupport}`;
    case EksSupportState.EXTENDED: return `ext to ${eks.endOfExtendedSupport}`;
    case EksSupportState.ENDED: return 'ended';
    case EksSupportState.UNRELEASED: return `from ${eks.released}`;
  }
}

/** The per-minor traits the values seam reads, as a Markdown table (one row per minor, from the table). */
export function renderTraitsTable(): string[] {
  const lines = [
    '| minor | values wrapper | istiod/cni values | CRDs in base | one revision tag renders | istiod trusts ztunnel elsewhere via | ztunnel resources named | chart default hub |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const m of ISTIO_MINORS) {
    const trust = m.ztunnel.trustedNamespaceValue ?? 'pilot.env.CA_TRUSTED_NODE_ACCOUNTS';
    const trustName = m.ztunnel.trustedNameSincePatch !== undefined ? ` (+ trustedZtunnelName from ${m.minor}.${m.ztunnel.trustedNameSincePatch})` : '';
    lines.push(`| ${m.minor} | \`${m.valuesWrapper}\` | ${m.flattenedValues ? 'top-level (legacy `pilot.*`/`cni.*` merged)' : '`pilot.*` / `cni.*`'} | `
      + `${m.crdCount}, ${m.crdHandling === 'helm-crds-dir' ? '`crds/` (the library sets `base.enableCRDTemplates`)' : 'templates'} | `
      + `${m.revisionTags.tagService ? 'MutatingWebhookConfiguration + Service' : 'MutatingWebhookConfiguration'} (${m.revisionTags.templates.map((t) => `\`${t.replace('templates/', '')}\``).join(', ')}) | `
      + `\`${trust}\`${trustName} | ${m.ztunnel.resourceName === 'release-name' ? 'after the release (library: `ztunnel`)' : '`ztunnel`'} | `
      + `${m.chartDefaultHub}${m.chartDefaultHub !== ISTIO_DOCKER_HUB ? ' (retired: the library sets docker.io/istio)' : ''} |`);
  }
  return lines;
}

/**
 * The Istio × Kubernetes × EKS matrix on `asOf` as a Markdown table (rows: Istio minors; columns:
 * Kubernetes minors), the legend, and the upgrade path from the library's default release. The
 * README's compatibility section is this text (scripts/versions-readme.js; a test keeps it in sync).
 */
export function renderVersionMatrix(asOf: string): string[] {
  const ks = matrixKubernetesVersions();
  const lines = [
    `| Istio | patches | EOL | supported pair on ${asOf} | ${ks.map((k) => `K8s ${k}`).join(' | ')} |`,
    `| --- | --- | --- | --- | ${ks.map(() => '---').join(' | ')} |`,
    `| *EKS on ${asOf}* | | | | ${ks.map((k) => `*${eksHeader(k, asOf)}*`).join(' | ')} |`,
  ];
  for (const m of ISTIO_MINORS) {
    const pairs = ks.filter((k) => isSupportedPair(m, k, asOf));
    const patches = `${m.minor}.${m.patches[0]}–${m.minor}.${m.patches[m.patches.length - 1]}`;
    lines.push(`| ${m.minor} | ${patches} | ${eolText(m, asOf)} | ${pairs.length > 0 ? `**yes**: K8s ${pairs.join(', ')}` : 'no'} | ${ks.map((k) => matrixCell(m, k, asOf)).join(' | ')} |`);
  }
  lines.push(
    '',
    "`std` / `ext`: Istio supports the Kubernetes minor and EKS has it in standard / extended support (extra cost; synth warns). "
      + '`no EKS`: Istio supports it but EKS no longer runs (or not yet offers) it. Empty: outside Istio\'s supported range. '
      + 'A supported pair is an Istio minor before its end of life on a Kubernetes minor it supports that EKS has in standard support: '
      + 'it synthesizes with no opt-in and no warning.',
    '',
    `Shortest upgrade path from the default release (\`mesh-bench versions --from ${IstioVersion.DEFAULT.version} --as-of ${asOf}\`):`,
    '',
    '```text',
    ...renderUpgradePlan(planUpgrade({ istioVersion: IstioVersion.DEFAULT, asOf })),
    '```',
    '',
    'Per-minor traits the values seam reads (`lib/catalog/istio-versions.ts`):',
    '',
    ...renderTraitsTable(),
  );
  return lines;
}
