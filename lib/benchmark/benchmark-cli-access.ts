import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { EksAccessEntry } from '@cdktf/provider-aws/lib/eks-access-entry';
import { IEksClusterRef } from '../eks/cluster-ref';
import { invalid } from '../private/errors';
import { bool, checkProps, instanceOf, list, opt, props as propsSchema, str, struct, validatedAt } from '../private/props';
import { terraformSafe } from '../private/terraform-escape';
import { PART_OF_LABEL, PART_OF_VALUE } from '../wire/bench-contract';

/** A subject bound to the CLI role. */
export interface BenchmarkCliSubject {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  /** For ServiceAccount subjects. @default - none */
  readonly namespace?: string;
}

/** The Kubernetes group the default binding names, and that operator access entries map IAM principals into. */
export const CLI_OPERATORS_GROUP = 'mesh-bench:operators';

/** Props of {@link BenchmarkCliAccess}. */
export interface BenchmarkCliAccessProps {
  /** Who may run `mesh-bench` and `mesh-latency`. @default [{ kind: 'Group', name: 'mesh-bench:operators' }] */
  readonly subjects?: BenchmarkCliSubject[];
  /**
   * IAM role/user ARNs that get an EKS access entry mapping them into the first Group subject
   * (so the binding is usable without hand-editing aws-auth or access entries). Needs `cluster`.
   * @default - none: the group has no members from this stack; the deployer can still run the CLIs as cluster admin
   */
  readonly operatorPrincipalArns?: string[];
  /** The cluster the access entries are created in. @default - none (required with `operatorPrincipalArns`) */
  readonly cluster?: IEksClusterRef;
  /**
   * Grant `get nodes/proxy`, which `mesh-bench run` needs to read proxy CPU/memory from the kubelet
   * summary API. It is a powerful permission (see {@link NODE_PROXY_PERMISSION}); without it the
   * CLIs work but record no proxy CPU/memory.
   * @default true
   */
  readonly kubeletSummaryAccess?: boolean;
  /** @default - the stack's default Kubernetes provider */
  readonly kubernetesProvider?: TerraformProvider;
}

/** What the CLIs do through the API, besides the kubelet: [apiGroup, resource, verbs]. */
export const CLI_PERMISSIONS: readonly [string, string, string[]][] = [
  ['batch', 'jobs', ['create', 'get', 'list', 'watch', 'delete']],
  ['', 'pods', ['get', 'list', 'watch']],
  ['', 'pods/log', ['get']],
  ['', 'pods/proxy', ['get']],
  ['', 'configmaps', ['get', 'list']],
  ['', 'namespaces', ['get', 'list']],
  ['', 'nodes', ['get', 'list']],
];

/**
 * `get nodes/proxy`: the kubelet summary API (`/api/v1/nodes/<node>/proxy/stats/summary`) is only
 * reachable through the API server's node proxy, and RBAC cannot narrow a proxy subresource to a
 * path. This grants GET on the whole kubelet API of every node — pod logs, specs, metrics and,
 * through websocket upgrades of GET requests, exec into any pod on the node (treat it as
 * node-level, near cluster-admin power). It is therefore its own ClusterRole and binding, limited
 * to the verb `get`, which `kubeletSummaryAccess: false` leaves out entirely. `resourceNames`
 * cannot help: managed node names are not known at synth.
 */
export const NODE_PROXY_PERMISSION: readonly [string, string, string[]] = ['', 'nodes/proxy', ['get']];

const SUBJECT_KINDS: readonly string[] = ['User', 'Group', 'ServiceAccount'];

const SCHEMA = propsSchema({
  subjects: opt(list(struct({ kind: str(32), name: str(253), namespace: opt(str(63)) }, 'a subject { kind, name, namespace? }'), 100)),
  operatorPrincipalArns: opt(list(str(2048), 100)),
  cluster: opt(instanceOf(Construct, 'an EKS cluster reference (IEksClusterRef)')),
  kubeletSummaryAccess: opt(bool),
  kubernetesProvider: opt(instanceOf(TerraformProvider, 'a Kubernetes provider (TerraformProvider)')),
});

/**
 * RBAC for the benchmark CLIs: a ClusterRole with exactly the calls they make, bound to the given
 * subjects; a separate role and binding for the powerful `nodes/proxy`; and, for
 * `operatorPrincipalArns`, EKS access entries that put those IAM principals into the bound group.
 */
export class BenchmarkCliAccess extends Construct {
  public readonly role: ClusterRoleV1;
  public readonly binding: ClusterRoleBindingV1;
  /** The `get nodes/proxy` role and binding; undefined with `kubeletSummaryAccess: false`. */
  public readonly nodeProxyRole?: ClusterRoleV1;
  public readonly nodeProxyBinding?: ClusterRoleBindingV1;
  /** One access entry per operator principal. */
  public readonly operatorAccessEntries: readonly EksAccessEntry[];
  /** The subjects bound (defaults resolved). */
  public readonly subjects: readonly BenchmarkCliSubject[];

  constructor(scope: Construct, id: string, props: BenchmarkCliAccessProps = {}) {
    super(scope, id);
    const subjects = props.subjects ?? [{ kind: 'Group', name: CLI_OPERATORS_GROUP }];
    const operators = props.operatorPrincipalArns ?? [];
    const groupOf = (): BenchmarkCliSubject | undefined => subjects.find((s) => s.kind === 'Group');
    validatedAt(this, () => {
      checkProps('BenchmarkCliAccess', SCHEMA, props);
      const group = groupOf();
      if (operators.length > 0 && props.cluster === undefined) throw invalid('cluster', 'must be given with operatorPrincipalArns (the access entries are created in it)', undefined);
      if (operators.length > 0 && group === undefined) throw invalid('operatorPrincipalArns', 'need a Group subject to map the principals into', operators, `subjects: ${subjects.map((s) => `${s.kind} ${s.name}`).join(', ')}`);
      subjects.forEach((s, i) => {
        if (!SUBJECT_KINDS.includes(s.kind)) throw invalid(`subjects[${i}].kind`, 'must be a known RBAC subject kind', s.kind, SUBJECT_KINDS.join(', '));
        if ((s.kind === 'ServiceAccount') !== (s.namespace !== undefined)) {
          throw invalid(`subjects[${i}].namespace`, 'must be given for a ServiceAccount subject and only then', s.namespace);
        }
      });
    });
    this.subjects = subjects;
    const group = groupOf();
    const labels = { [PART_OF_LABEL]: PART_OF_VALUE };
    const subject = subjects.map((s) => ({
      kind: s.kind, name: s.name, namespace: s.namespace, apiGroup: s.kind === 'ServiceAccount' ? '' : 'rbac.authorization.k8s.io',
    }));
    const bind = (roleId: string, name: string, rules: readonly (readonly [string, string, string[]])[], annotations?: Record<string, string>): [ClusterRoleV1, ClusterRoleBindingV1] => {
      const role = new ClusterRoleV1(this, roleId, terraformSafe({
        provider: props.kubernetesProvider,
        metadata: { name, labels, annotations },
        rule: rules.map(([g, resource, verbs]) => ({ apiGroups: [g], resources: [resource], verbs })),
      }));
      const binding = new ClusterRoleBindingV1(this, roleId === 'Role' ? 'Binding' : `${roleId}Binding`, terraformSafe({
        provider: props.kubernetesProvider,
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role.metadata.name },
        subject,
      }));
      return [role, binding];
    };
    [this.role, this.binding] = bind('Role', 'mesh-bench-cli', CLI_PERMISSIONS);
    if (props.kubeletSummaryAccess ?? true) {
      [this.nodeProxyRole, this.nodeProxyBinding] = bind('NodeProxyRole', 'mesh-bench-cli-node-proxy', [NODE_PROXY_PERMISSION], {
        'mesh-bench/warning': 'get nodes/proxy reaches the whole kubelet API of every node (including exec via websocket GET); needed only for proxy CPU/memory sampling',
      });
    }
    const cluster = props.cluster;
    this.operatorAccessEntries = cluster === undefined || group === undefined ? [] : operators.map((principalArn, i) => new EksAccessEntry(this, `Operator${i}`, terraformSafe({
      provider: cluster.awsProvider,
      clusterName: cluster.clusterName,
      principalArn,
      type: 'STANDARD',
      kubernetesGroups: [group.name],
    })));
  }
}
