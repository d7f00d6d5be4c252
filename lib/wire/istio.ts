/**
 * Istio wire constants: the namespace, labels, annotations, container names and ports that Istio
 * itself defines and that both the constructs (which write them) and the CLIs (which read them from
 * a cluster) rely on. Construct-free and imports nothing, so every layer may import it. Waypoint
 * facts live beside it in `istio-waypoint.ts`.
 *
 * Each fact carries where it comes from; `../shared/facts/*.md` hold the verified citations.
 */

// ---- Namespace and control-plane pods ----

/** The namespace the control plane, CNI and ztunnel run in (ztunnel's identity is trusted there): every chart's `global.istioNamespace` default (../shared/istio-<minor>/*.values.yaml). */
export const ISTIO_SYSTEM_NAMESPACE = 'istio-system';
/** Label selector of the istiod pods: the istiod chart labels its pod template `app: istiod` (`istio-discovery/templates/deployment.yaml`). */
export const ISTIOD_SELECTOR = 'app=istiod';
/** Label selector of the ztunnel DaemonSet's pods (istio/istio `manifests/charts/ztunnel/templates/daemonset.yaml`; ../shared/facts/benchmark-methodology.md [S7]). */
export const ZTUNNEL_SELECTOR = 'app=ztunnel';
/** Name of the sidecar container Istio injects, also the ztunnel container's name (../shared/facts/benchmark-methodology.md [S7]). */
export const ISTIO_PROXY_CONTAINER = 'istio-proxy';

// ---- Sidecar injection and revisions ----

/** Namespace label enabling sidecar injection for the default revision; wins over `istio.io/rev` (istiod chart `mutatingwebhook.yaml`; ../shared/facts/istio-1.22.md). */
export const INJECTION_LABEL = 'istio-injection';
/** Pod label opting one pod in (`true`) or out (`false`) of sidecar injection (istiod chart `mutatingwebhook.yaml`, `revision-tags.yaml`). */
export const SIDECAR_INJECT_LABEL = 'sidecar.istio.io/inject';
/** Label naming a revision: on namespaces/pods/Gateways the revision or tag they use, on tag objects the target (istio/istio `pkg/config/constants`). */
export const REVISION_LABEL = 'istio.io/rev';
/** Label naming a revision tag on its objects; istiod's tag watcher finds tags by it (istio/istio `pkg/config/constants`). */
export const TAG_LABEL = 'istio.io/tag';
/** The revision name of an unrevisioned istiod: the istiod chart renders `istio.io/rev: {{ .Values.revision | default "default" }}`. */
export const DEFAULT_REVISION = 'default';

// ---- Ambient enrollment ----

/** Namespace (or pod) label enrolling workloads in ambient mode (istio/istio `pkg/config/constants`; `cni/pkg/util/podutil.go`, ../shared/facts/istio-1.22.md). */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/** The {@link DATAPLANE_MODE_LABEL} value that enrolls workloads in ambient mode. */
export const DATAPLANE_MODE_AMBIENT = 'ambient';
/** The namespace label that enrolls workloads in ambient mode, as one label map. */
export const AMBIENT_DATAPLANE_LABEL = { [DATAPLANE_MODE_LABEL]: DATAPLANE_MODE_AMBIENT } as const;
/** Annotation the istio-cni node agent sets on pods whose traffic ztunnel captures (../shared/facts/benchmark-methodology.md, mode verification). */
export const AMBIENT_REDIRECTION_ANNOTATION = 'ambient.istio.io/redirection';

// ---- Ports (Istio's "Ports used by Istio"; ../shared/facts/istio-1.22.md §f, §i) ----

/** HBONE: the mTLS tunnel between ztunnels and waypoints, a waypoint's `mesh` listener (ztunnel `inbound_addr`, `src/config.rs:380` at 1.22.8). */
export const HBONE_PORT = 15008;
/** istiod's plaintext xDS port (`grpc-xds` on the istiod Service and the chart's revision-tag Service). */
export const ISTIOD_XDS_PORT = 15010;
/** istiod's xDS and CA over TLS (`https-dns`): ztunnel, sidecars and waypoints fetch config and certificates here. */
export const ISTIOD_XDS_TLS_PORT = 15012;
/** istiod's monitoring port (`http-monitoring`). */
export const ISTIOD_MONITORING_PORT = 15014;
/** istiod's webhook port, behind the istiod Service's 443 (`https-webhook`); the API server calls it. */
export const ISTIOD_WEBHOOK_PORT = 15017;
/** pilot-agent's status port, merged Prometheus metrics and `/quitquitquit` (`global.proxy.statusPort`); also ztunnel's stats port (ztunnel `src/config.rs` at 1.22.8). */
export const PROXY_STATUS_PORT = 15020;
