import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubernetesObject, schemaProblems, UnknownFieldCheck } from '../support/kubernetes-schema';

/** The service account, RBAC and admission policy an operator applies to the projects' cluster (docs/cluster.md). */
const read = (file: string) =>
  parseAllDocuments(readFileSync(path.join(__dirname, '../../deploy/cluster-access', file), 'utf8')).map(
    (d) => d.toJS() as KubernetesObject,
  );
const rbac = read('rbac.yaml');
const policy = read('admission-policy.yaml');
const objects = [...rbac, ...policy];

const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata?.name === name) as any;

/** `verb resource[/resourceNames]` for every rule of a role. */
const grants = (role: any): string[] =>
  role.rules
    .flatMap((r: any) =>
      r.resources.flatMap((res: string) =>
        r.verbs.map((v: string) => `${v} ${res}${r.resourceNames ? `/${r.resourceNames}` : ''}`),
      ),
    )
    .sort();

describe('deploy/cluster-access', () => {
  it('holds only objects the Kubernetes schemas accept, with no field they do not know', () => {
    expect(objects.flatMap((o) => schemaProblems(o))).toEqual([]);
    const fields = new UnknownFieldCheck(objects);
    expect(objects.flatMap((o) => fields.unknownFields(o))).toEqual([]);
  });

  it('grants cluster-wide only namespaces and binding the per-project role: no Secret, workload or wildcard', () => {
    expect(grants(find('ClusterRole', 'klepaas-namespaces'))).toEqual(
      [
        'create namespaces',
        'delete namespaces',
        'get namespaces',
        'create rolebindings',
        'bind clusterroles/klepaas-project',
      ].sort(),
    );
    const bindings = objects.filter((o) => o.kind === 'ClusterRoleBinding') as any[];
    expect(bindings.map((b) => b.roleRef.name)).toEqual(['klepaas-namespaces']);
    expect(bindings[0].subjects).toEqual([{ kind: 'ServiceAccount', name: 'klepaas', namespace: 'klepaas-system' }]);
  });

  it('keeps the per-project verbs in a role bound per namespace, Secrets by name but for create', () => {
    expect(grants(find('ClusterRole', 'klepaas-project'))).toEqual(
      [
        'create secrets',
        'get secrets/ncp-cr',
        'update secrets/ncp-cr',
        'list deployments',
        'patch deployments',
        'list pods',
        'get pods/log',
      ].sort(),
    );
    expect(objects.some((o) => o.kind === 'RoleBinding' || o.kind === 'Role')).toBe(false);
  });

  it('has the admission policy deny, for the same service account, what RBAC cannot limit by label', () => {
    const vap = find('ValidatingAdmissionPolicy', 'klepaas-namespaces-only');
    expect(vap.spec.failurePolicy).toBe('Fail');
    expect(vap.spec.matchConditions[0].expression).toContain('system:serviceaccount:klepaas-system:klepaas');
    const binding = find('ValidatingAdmissionPolicyBinding', 'klepaas-namespaces-only');
    expect(binding.spec).toEqual({ policyName: 'klepaas-namespaces-only', validationActions: ['Deny'] });
  });
});
