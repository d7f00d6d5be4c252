import { TerraformProvider } from 'cdktf';
import { Construct } from 'constructs';
import { ClusterRoleBindingV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-binding-v1';
import { ClusterRoleV1 } from '@cdktf/provider-kubernetes/lib/cluster-role-v1';
import { invalid } from '../private/errors';
import { checkProps, instanceOf, list, opt, props as propsSchema, str, struct, validatedAt } from '../private/props';
import { terraformSafe } from '../private/terraform-escape';
import { PART_OF_LABEL, PART_OF_VALUE } from './contract';

/** A subject bound to the CLI role. */
export interface BenchmarkCliSubject {
  readonly kind: 'User' | 'Group' | 'ServiceAccount';
  readonly name: string;
  /** For ServiceAccount subjects. @default - none */
  readonly namespace?: string;
}

/** Props of {@link BenchmarkCliAccess}. */
export interface BenchmarkCliAccessProps {
  /** Who may run `mesh-bench` and `mesh-latency`. */
  readonly subjects: BenchmarkCliSubject[];
  /** @default - the stack's default Kubernetes provider */
  readonly kubernetesProvider?: TerraformProvider;
}

/** What the CLIs do through the API: [apiGroup, resource, verbs]. */
export const CLI_PERMISSIONS: readonly [string, string, string[]][] = [
  ['batch', 'jobs', ['create', 'get', 'list', 'watch', 'delete']],
  ['', 'pods', ['get', 'list', 'watch']],
  ['', 'pods/log', ['get']],
  ['', 'pods/proxy', ['get']],
  ['', 'configmaps', ['get', 'list']],
  ['', 'namespaces', ['get', 'list']],
  ['', 'nodes', ['get', 'list']],
  ['', 'nodes/proxy', ['get']],
];

const SUBJECT_KINDS: readonly string[] = ['User', 'Group', 'ServiceAccount'];

const SCHEMA = propsSchema({
  subjects: list(struct({ kind: str(32), name: str(253), namespace: opt(str(63)) }, 'a subject { kind, name, namespace? }'), 100),
  kubernetesProvider: opt(instanceOf(TerraformProvider, 'a Kubernetes provider (TerraformProvider)')),
});

/** RBAC for the benchmark CLIs: a ClusterRole with exactly the calls they make, bound to the given subjects. */
export class BenchmarkCliAccess extends Construct {
  public readonly role: ClusterRoleV1;
  public readonly binding: ClusterRoleBindingV1;

  constructor(scope: Construct, id: string, props: BenchmarkCliAccessProps) {
    super(scope, id);
    validatedAt(this, () => {
      checkProps('BenchmarkCliAccess', SCHEMA, props);
      props.subjects.forEach((s, i) => {
        if (!SUBJECT_KINDS.includes(s.kind)) throw invalid(`subjects[${i}].kind`, 'must be a known RBAC subject kind', s.kind, SUBJECT_KINDS.join(', '));
        if ((s.kind === 'ServiceAccount') !== (s.namespace !== undefined)) {
          throw invalid(`subjects[${i}].namespace`, 'must be given for a ServiceAccount subject and only then', s.namespace);
        }
      });
    });
    const labels = { [PART_OF_LABEL]: PART_OF_VALUE };
    this.role = new ClusterRoleV1(this, 'Role', terraformSafe({
      provider: props.kubernetesProvider,
      metadata: { name: 'mesh-bench-cli', labels },
      rule: CLI_PERMISSIONS.map(([group, resource, verbs]) => ({ apiGroups: [group], resources: [resource], verbs })),
    }));
    this.binding = new ClusterRoleBindingV1(this, 'Binding', terraformSafe({
      provider: props.kubernetesProvider,
      metadata: { name: 'mesh-bench-cli', labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: this.role.metadata.name },
      subject: props.subjects.map((s) => ({
        kind: s.kind, name: s.name, namespace: s.namespace, apiGroup: s.kind === 'ServiceAccount' ? '' : 'rbac.authorization.k8s.io',
      })),
    }));
  }
}
