import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { PROJECT_ROLE, PROJECT_ROLE_RULES, projectRoleAllows, SANDBOX_SERVICE_ACCOUNT } from './kube-rbac';

const rbac = parseAllDocuments(
  readFileSync(path.join(__dirname, '../../../../deploy/cluster-access/rbac.yaml'), 'utf8'),
).map((d) => d.toJS());

describe('the sandbox RBAC emulation', () => {
  it('holds the rules of the ClusterRole klepaas-project in deploy/cluster-access/rbac.yaml', () => {
    const role = rbac.find((o) => o.kind === 'ClusterRole' && o.metadata.name === PROJECT_ROLE);
    const fromYaml = role.rules.flatMap((r: any) =>
      r.apiGroups.flatMap((g: string) =>
        r.resources.map((res: string) => ({
          apiGroup: g,
          resource: res,
          verbs: r.verbs,
          ...(r.resourceNames ? { resourceNames: r.resourceNames } : {}),
        })),
      ),
    );
    expect(PROJECT_ROLE_RULES).toEqual(fromYaml);
  });

  it('is the service account rbac.yaml creates', () => {
    const account = rbac.find((o) => o.kind === 'ServiceAccount');
    expect(SANDBOX_SERVICE_ACCOUNT).toEqual({ namespace: account.metadata.namespace, name: account.metadata.name });
  });

  it('allows a call only where the role is bound, and by name where the rule names one', () => {
    expect(projectRoleAllows(false, 'create', '', 'secrets')).toBe(false);
    expect(projectRoleAllows(true, 'create', '', 'secrets')).toBe(true);
    expect(projectRoleAllows(true, 'get', '', 'secrets', 'ncp-cr')).toBe(true);
    expect(projectRoleAllows(true, 'get', '', 'secrets', 'klepaas-token')).toBe(false);
    expect(projectRoleAllows(true, 'get', 'apps', 'deployments', 'web')).toBe(false);
    expect(projectRoleAllows(true, 'patch', 'apps', 'deployments', 'web')).toBe(true);
    expect(projectRoleAllows(true, 'get', '', 'pods/log', 'web-1')).toBe(true);
  });
});
