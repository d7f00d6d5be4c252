/**
 * Istio wire facts about the waypoint proxy Deployment istiod creates for a waypoint `Gateway`,
 * as the benchmark CLI reads them from the cluster, and of the waypoint `Gateway` itself, as the
 * `Waypoint` construct writes it. Construct-free.
 */
import { HBONE_PORT } from './istio';

/** Istio's namespace (or pod) label sending traffic through a waypoint, valued with the waypoint's name (istioctl `waypoint apply --enroll-namespace`). */
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';

/** Wire facts of waypoints (istioctl `waypoint generate`, the same at every tag 1.22 … 1.30). */
export const WAYPOINT = {
  gatewayClassName: 'istio-waypoint',
  listener: { name: 'mesh', port: HBONE_PORT, protocol: 'HBONE' },
  forLabel: 'istio.io/waypoint-for',
  useLabel: USE_WAYPOINT_LABEL,
  /** Cross-namespace use; read by istiod from 1.23. */
  useNamespaceLabel: 'istio.io/use-waypoint-namespace',
  useNamespaceLabelSince: '1.23',
} as const;

/**
 * Label istiod puts on the pods of the Deployment it creates for a Gateway (waypoints included),
 * valued with the Gateway's name. Istio's waypoint Deployment template,
 * `manifests/charts/istio-control/istio-discovery/files/waypoint.yaml`, labels the pod template
 * `"gateway.networking.k8s.io/gateway-name" .Name` at every tag 1.22.0 … 1.30.0 (1.22 and 1.23
 * also add the older `istio.io/gateway-name`, dropped in 1.24; the Gateway API one is common to all).
 */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** Label selector of the pods of the waypoint `Gateway` named `gatewayName` (in its namespace). */
export function waypointPodSelector(gatewayName: string): string {
  return `${GATEWAY_NAME_LABEL}=${gatewayName}`;
}
