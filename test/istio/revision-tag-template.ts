import * as fs from 'fs';
import * as path from 'path';
import { parse, parseAllDocuments } from 'yaml';

/**
 * A test-side transcription of Istio's revision-tag templates, used as the expectation for the
 * library's tag objects. It is written from the template text, not from the library: each block
 * below quotes the template it stands for, with `{{ }}` actions replaced by the values Helm would
 * substitute, and it takes the chart defaults it needs from `../shared/istio-<minor>/istiod.values.yaml`.
 *
 * Templates read (istio/istio at the tag, manifests/charts/istio-control/istio-discovery/templates/):
 * - revision-tags.yaml at 1.22.8 (the base text below), 1.23.6 (`admissionReviewVersions: ["v1"]`),
 *   1.24.6 (adds `app.kubernetes.io/name: "istiod"` and `include "istio.labels"`), 1.26.8 (adds
 *   `reinvocationPolicy: "{{ .reinvocationPolicy }}"` in "core"), 1.25.5 = 1.24.6, 1.27.9 = 1.26.8
 *   (adds `caBundle` to the dict but never emits it);
 * - revision-tags-mwc.yaml at 1.28.10 (= 1.27.9's text under resourceScope/operatorManageWebhooks guards,
 *   identical at 1.29.6 and 1.30.3) and revision-tags-svc.yaml at 1.28.10 (identical at 1.29.6, 1.30.3);
 * - `istio.labels` in templates/zzz_profile.yaml:60 (1.24.6), :61 (1.28.10).
 */

export interface TagTemplateInput {
  readonly minor: string;
  /** `.Chart.Version` / `.Chart.AppVersion` of the released chart (= the Istio version). */
  readonly chartVersion: string;
  readonly tag: string;
  /** `.Values.revision` */
  readonly revision: string;
  readonly releaseName: string;
  /** `.Release.Namespace` */
  readonly namespace: string;
}

function minorAtLeast(minor: string, than: string): boolean {
  const [a, b] = minor.split('.').map(Number);
  const [c, d] = than.split('.').map(Number);
  return a !== c ? a > c : b >= d;
}

/** The istiod chart defaults the tag templates read, from ../shared (`defaults:` or `_internal_defaults_do_not_set:`). */
function chartDefaults(sharedDir: string): Record<string, any> {
  const doc = parse(fs.readFileSync(path.join(sharedDir, 'istiod.values.yaml'), 'utf8')) as Record<string, any>;
  return doc._internal_defaults_do_not_set ?? doc.defaults;
}

/** What `helm template istiod istio/istiod -s <tag templates> --set revisionTags={tag} --set revision=…` renders. */
export function renderTagTemplate(sharedDir: string, input: TagTemplateInput): Record<string, unknown>[] {
  const d = chartDefaults(sharedDir);
  const injectionPath: string = d.istiodRemote.injectionPath;
  const injectionURL: string = d.istiodRemote.injectionURL;
  const reinvocationPolicy: string = d.sidecarInjectorWebhook.reinvocationPolicy;
  const enableNamespacesByDefault: boolean = d.sidecarInjectorWebhook.enableNamespacesByDefault;
  const ownerName: string = d.ownerName || 'unknown';
  if (injectionURL !== '') throw new Error('transcription covers only the service clientConfig (injectionURL is empty by default)');
  const { minor, tag, revision, namespace } = input;
  const rev = revision === '' ? 'default' : revision; // {{ .Values.revision | default "default" }}

  // {{- define "core" }}
  const core = (prefix: string): string => `
- name: ${prefix}sidecar-injector.istio.io
  clientConfig:
    service:
      name: istiod${revision !== '' ? `-${revision}` : ''}
      namespace: ${namespace}
      path: "${injectionPath}"
      port: 443
  sideEffects: None
  rules:
  - operations: [ "CREATE" ]
    apiGroups: [""]
    apiVersions: ["v1"]
    resources: ["pods"]
  failurePolicy: Fail${minorAtLeast(minor, '1.26') ? `
  reinvocationPolicy: "${reinvocationPolicy}"` : ''}
  admissionReviewVersions: ${minorAtLeast(minor, '1.23') ? '["v1"]' : '["v1beta1", "v1"]'}`;

  // {{- define "istio.labels" }} (1.24+), with .Release.Service = "Helm" and Chart name istiod.
  const istioLabels = minorAtLeast(minor, '1.24') ? `
    app.kubernetes.io/name: "istiod"
    app.kubernetes.io/managed-by: "Helm"
    app.kubernetes.io/instance: "${input.releaseName}"
    app.kubernetes.io/part-of: "istio"
    app.kubernetes.io/version: "${input.chartVersion}"
    helm.sh/chart: istiod-${input.chartVersion}` : '';

  let mwc = `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: ${namespace === 'istio-system' ? `istio-revision-tag-${tag}` : `istio-revision-tag-${tag}-${namespace}`}
  labels:
    istio.io/tag: ${tag}
    istio.io/rev: "${rev}"
    install.operator.istio.io/owning-resource: ${ownerName}
    operator.istio.io/component: "Pilot"
    app: sidecar-injector
    release: ${input.releaseName}${istioLabels}
webhooks:${core('rev.namespace.')}
  namespaceSelector:
    matchExpressions:
    - key: istio.io/rev
      operator: In
      values:
      - "${tag}"
    - key: istio-injection
      operator: DoesNotExist
  objectSelector:
    matchExpressions:
    - key: sidecar.istio.io/inject
      operator: NotIn
      values:
      - "false"${core('rev.object.')}
  namespaceSelector:
    matchExpressions:
    - key: istio.io/rev
      operator: DoesNotExist
    - key: istio-injection
      operator: DoesNotExist
  objectSelector:
    matchExpressions:
    - key: sidecar.istio.io/inject
      operator: NotIn
      values:
      - "false"
    - key: istio.io/rev
      operator: In
      values:
      - "${tag}"`;
  if (tag === 'default') {
    mwc += `${core('namespace.')}
  namespaceSelector:
    matchExpressions:
    - key: istio-injection
      operator: In
      values:
      - enabled
  objectSelector:
    matchExpressions:
    - key: sidecar.istio.io/inject
      operator: NotIn
      values:
      - "false"${core('object.')}
  namespaceSelector:
    matchExpressions:
    - key: istio-injection
      operator: DoesNotExist
    - key: istio.io/rev
      operator: DoesNotExist
  objectSelector:
    matchExpressions:
    - key: sidecar.istio.io/inject
      operator: In
      values:
      - "true"
    - key: istio.io/rev
      operator: DoesNotExist`;
    if (enableNamespacesByDefault) throw new Error('transcription omits the auto. webhook (chart default enableNamespacesByDefault: false)');
  }
  let text = `${mwc}\n---\n`;

  if (minorAtLeast(minor, '1.28')) {
    // revision-tags-svc.yaml (no serviceAnnotations, ipFamilyPolicy, ipFamilies by default)
    text += `apiVersion: v1
kind: Service
metadata:
  name: istiod-revision-tag-${tag}
  namespace: ${namespace}
  labels:
    istio.io/rev: "${rev}"
    istio.io/tag: ${tag}
    install.operator.istio.io/owning-resource: ${ownerName}
    operator.istio.io/component: "Pilot"
    app: istiod
    istio: pilot
    release: ${input.releaseName}${istioLabels}
spec:
  ports:
    - port: 15010
      name: grpc-xds # plaintext
      protocol: TCP
    - port: 15012
      name: https-dns # mTLS with k8s-signed cert
      protocol: TCP
    - port: 443
      name: https-webhook # validation and injection
      targetPort: 15017
      protocol: TCP
    - port: 15014
      name: http-monitoring # prometheus stats
      protocol: TCP
  selector:
    app: istiod
${revision !== '' ? `    istio.io/rev: "${revision}"` : '    istio: pilot'}
---
`;
  }
  return parseAllDocuments(text).map((doc) => doc.toJS() as Record<string, unknown>).filter((o) => o !== null);
}

type Expression = { key: string; operator: string; values?: string[] };

/** Kubernetes label-selector semantics for `matchExpressions` (In, NotIn, Exists, DoesNotExist). */
export function selects(selector: { matchExpressions: Expression[] }, labels: Record<string, string>): boolean {
  return selector.matchExpressions.every((e) => {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    switch (e.operator) {
      case 'In': return has && e.values!.includes(labels[e.key]);
      case 'NotIn': return !has || !e.values!.includes(labels[e.key]);
      case 'Exists': return has;
      case 'DoesNotExist': return !has;
      default: throw new Error(`operator ${e.operator}`);
    }
  });
}

/**
 * Transcription of istiod's caBundle patcher (istio@1.22.8 and 1.30.3 `pkg/webhooks/webhookpatch.go`,
 * `patchMutatingWebhookConfig`): a MutatingWebhookConfiguration is patched by the istiod whose
 * revision equals its `istio.io/rev` label (no label: skipped; other value: errWrongRevision), in
 * every webhook whose name ends in the patcher's `webhookName`, which istiod sets to
 * `sidecar-injector.istio.io` (`pilot/pkg/bootstrap/sidecarinjector.go:35,97`); no webhook with that
 * suffix: errNoWebhookWithName. An unrevisioned istiod runs with REVISION=default
 * (`istio-discovery/templates/deployment.yaml:129-130`, `{{ .Values.revision | default "default" }}`).
 */
export function caBundlePatchedWebhooks(mwc: Record<string, any>, istiodRevision: string): string[] {
  const v = mwc.metadata?.labels?.['istio.io/rev'];
  if (v === undefined || v !== istiodRevision) return [];
  return (mwc.webhooks as { name: string }[]).filter((w) => w.name.endsWith('sidecar-injector.istio.io')).map((w) => w.name);
}

/**
 * Transcription of istiod's tag watcher and the waypoint (Gateway) deployment controller, 1.22.8:
 * `pkg/revisions/tag_watcher.go` GetMyTags = {own revision} ∪ {`istio.io/tag` of every
 * MutatingWebhookConfiguration carrying `istio.io/tag` whose `istio.io/rev` is the own revision};
 * `pilot/pkg/config/kube/gateway/deploymentcontroller.go:299-312`: a Gateway is reconciled by an istiod
 * when its own `istio.io/rev` label, else its namespace's, is in that istiod's tags (no label: the
 * istiod holding `default`). Returns the revisions that would program a waypoint in that namespace.
 */
export function waypointControllers(istiodRevisions: string[], tagWebhooks: Record<string, any>[], namespaceRev: string | undefined): string[] {
  return istiodRevisions.filter((rev) => {
    const myTags = new Set([rev, ...tagWebhooks.filter((w) => 'istio.io/tag' in (w.metadata.labels ?? {}) && w.metadata.labels['istio.io/rev'] === rev).map((w) => w.metadata.labels['istio.io/tag'])]);
    const selected = namespaceRev ?? '';
    return myTags.has(selected) || (selected === '' && myTags.has('default'));
  });
}
