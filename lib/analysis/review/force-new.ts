/**
 * Attributes whose change makes Terraform replace (destroy and re-create) a resource, for the
 * resource types the library emits. `terraform providers schema -json` does not carry ForceNew, so
 * the table comes from the providers' sources at the versions the library pins; each row cites it.
 * Paths are the Terraform JSON paths of nested blocks without list indexes (`vpc_config.subnet_ids`).
 * A type missing here is reported as "updated" with its attributes; the report says replacement was
 * not judged for it.
 */

/** Where a row of the table comes from. */
export interface ForceNewSource {
  readonly provider: string;
  readonly citation: string;
}

interface ForceNewRow {
  readonly attributes: readonly string[];
  readonly source: ForceNewSource;
}

const HELM: ForceNewSource = {
  provider: 'hashicorp/helm 3.1.1',
  citation: 'hashicorp/terraform-provider-helm v3.1.1 (1cbf08f) helm/resource_helm_release.go: `name` and `namespace` carry stringplanmodifier.RequiresReplace()',
};
const K8S_METADATA: ForceNewSource = {
  provider: 'hashicorp/kubernetes 2.38.0',
  citation: 'hashicorp/terraform-provider-kubernetes v2.38.0 (be88f44) kubernetes/schema_metadata.go: metadata `name`, `generate_name` and `namespace` are ForceNew',
};
const K8S_LABELS: ForceNewSource = {
  provider: 'hashicorp/kubernetes 2.38.0',
  citation: 'hashicorp/terraform-provider-kubernetes v2.38.0 (be88f44) kubernetes/resource_kubernetes_labels.go: `api_version`, `kind`, `metadata.name`, `metadata.namespace` are ForceNew',
};
const AWS_EKS_CLUSTER: ForceNewSource = {
  provider: 'hashicorp/aws 5.x',
  citation: 'hashicorp/terraform-provider-aws internal/service/eks/cluster.go (00555dc): ForceNew on `name`, `role_arn`, `bootstrap_self_managed_addons`, `access_config.bootstrap_cluster_creator_admin_permissions`, `kubernetes_network_config.ip_family|service_ipv4_cidr`, `outpost_config.*`, `remote_network_config`; `vpc_config.subnet_ids|security_group_ids` update in place since 5.25.0 (CHANGELOG 5.25.0, hashicorp/terraform-provider-aws#34090)',
};
const AWS_EKS_NODE_GROUP: ForceNewSource = {
  provider: 'hashicorp/aws 5.x',
  citation: 'hashicorp/terraform-provider-aws internal/service/eks/node_group.go (012e0a3): ForceNew on `ami_type`, `capacity_type`, `cluster_name`, `disk_size`, `instance_types`, `launch_template.id|name`, `node_group_name`, `node_group_name_prefix`, `node_role_arn`, `remote_access`, `subnet_ids`',
};
const AWS_EKS_ADDON: ForceNewSource = {
  provider: 'hashicorp/aws 5.x',
  citation: 'hashicorp/terraform-provider-aws internal/service/eks/addon.go (00a3530): ForceNew on `addon_name` and `cluster_name`; version, configuration values and roles update in place',
};

const METADATA_KEYS = ['metadata.name', 'metadata.generate_name', 'metadata.namespace'];

const TABLE: Readonly<Record<string, ForceNewRow>> = {
  helm_release: { attributes: ['name', 'namespace'], source: HELM },
  kubernetes_labels: { attributes: ['api_version', 'kind', 'metadata.name', 'metadata.namespace'], source: K8S_LABELS },
  aws_eks_cluster: {
    attributes: [
      'name', 'role_arn', 'bootstrap_self_managed_addons', 'access_config.bootstrap_cluster_creator_admin_permissions',
      'kubernetes_network_config.ip_family', 'kubernetes_network_config.service_ipv4_cidr',
      'outpost_config', 'remote_network_config',
    ],
    source: AWS_EKS_CLUSTER,
  },
  aws_eks_addon: { attributes: ['addon_name', 'cluster_name'], source: AWS_EKS_ADDON },
  aws_eks_node_group: {
    attributes: [
      'ami_type', 'capacity_type', 'cluster_name', 'disk_size', 'instance_types', 'launch_template.id', 'launch_template.name',
      'node_group_name', 'node_group_name_prefix', 'node_role_arn', 'remote_access', 'subnet_ids',
    ],
    source: AWS_EKS_NODE_GROUP,
  },
};

/** The ForceNew attributes of a resource type, or undefined when the table has no row for it. */
export function forceNewAttributes(type: string): { attributes: readonly string[]; source: ForceNewSource } | undefined {
  const row = TABLE[type];
  if (row) return row;
  // Every kubernetes_* resource with object metadata shares the provider's metadata schema.
  if (type.startsWith('kubernetes_') && type !== 'kubernetes_manifest') return { attributes: METADATA_KEYS, source: K8S_METADATA };
  return undefined;
}

/** Types with an explicit row (tests check each attribute exists in the provider schema). */
export const FORCE_NEW_TYPES: readonly string[] = Object.keys(TABLE);

/** True when the changed attribute path (`vpc_config.subnet_ids`) is, or lies under, a ForceNew attribute. */
export function isForceNew(attributes: readonly string[], changedPath: string): boolean {
  return attributes.some((a) => changedPath === a || changedPath.startsWith(`${a}.`));
}
