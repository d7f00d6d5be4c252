// Public API. This file only re-exports.
export * from './benchmark/benchmark-cli-access';
export * from './benchmark/benchmark-harness';
export * from './benchmark/benchmark-node-group';
export * from './wire/bench-contract';
export * from './catalog/aws-regions';
export * from './catalog/compatibility';
export * from './catalog/eks-versions';
export * from './catalog/istio-versions';
export * from './catalog/istio-wrong-keys';
export * from './catalog/upgrade-path';
export * from './catalog/version-matrix';
export * from './eks/cluster-ref';
export * from './eks/eks-cluster';
export * from './eks/eks-node-security';
export * from './eks/eks-roles';
export * from './eks/eks-vpc';
export * from './eks/existing-eks-cluster';
export * from './eks/provider-config';
export * from './istio/istio-ambient-cluster';
export * from './istio/istio-resource-chart';
export * from './istio/mesh-cluster';
export * from './istio/resources';
export { IstioMeshValidationError } from './private/errors';
export type { HelmValues } from './private/helm-values';
export {
  RESULTS_FORMAT_VERSION, RESULTS_METADATA_FILE, RESULTS_RATES_DIR, RESULTS_ROUNDS_DIR, RESULTS_IDLE_DIR, RESULTS_LIMITS,
  resultRelPath, resourcesRelPath, idleRelPath, validateRunMetadata, validateResourceSamples,
} from './wire/results-layout';
export type { RunMetadata, RunFailure, ProxyResourceSamples, CalibrationRecord, CalibrationStep } from './wire/results-layout';
export * from './eks/variables';
export * from './catalog/gateway-api';
export * from './catalog/istio-apis';
export * from './catalog/ztunnel-authorization';
export * from './istio/checks/check-registry';
export * from './istio/checks/mesh-prechecks';
export { CHARTS_DIR_CONTEXT } from './istio/checks/chart-source';
export * from './istio/policy/authorization-policy';
export { MeshPolicy } from './istio/policy/mesh-policy';
export type { MeshPolicyProps } from './istio/policy/mesh-policy';
export * from './istio/policy/peer-authentication';
export * from './istio/policy/telemetry';
export * from './istio/policy/waypoint';
export * from './istio/canary-phase';
export * from './istio/istio-canary-revision';
export * from './istio/revision-tags';
