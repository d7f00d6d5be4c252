// Public API. This file only re-exports.
export * from './catalog/aws-regions';
export * from './catalog/compatibility';
export * from './catalog/eks-versions';
export * from './catalog/istio-versions';
export * from './eks/cluster-ref';
export * from './eks/eks-cluster';
export * from './eks/eks-node-security';
export * from './eks/eks-roles';
export * from './eks/eks-vpc';
export * from './eks/existing-eks-cluster';
export * from './eks/provider-config';
export * from './istio/istio-ambient-cluster';
export * from './istio/istio-resource-chart';
export * from './istio/resources';
export { IstioMeshValidationError } from './private/errors';
export type { HelmValues } from './private/helm-values';
export * from './eks/variables';
