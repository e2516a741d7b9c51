import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { KubernetesObject, schemaProblems, UnknownFieldCheck } from '../support/kubernetes-schema';

/** The service account and RBAC an operator applies to the projects' cluster (docs/cluster.md). */
const objects = parseAllDocuments(
  readFileSync(path.join(__dirname, '../../deploy/cluster-access/rbac.yaml'), 'utf8'),
).map((d) => d.toJS() as KubernetesObject);

describe('deploy/cluster-access/rbac.yaml', () => {
  it('holds only objects the Kubernetes schemas accept, with no field they do not know', () => {
    expect(objects.flatMap((o) => schemaProblems(o))).toEqual([]);
    const fields = new UnknownFieldCheck(objects);
    expect(objects.flatMap((o) => fields.unknownFields(o))).toEqual([]);
  });

  it('grants what the services call and nothing broader: no wildcard, Secrets by name but for create', () => {
    const role = objects.find((o) => o.kind === 'ClusterRole') as any;
    const grants = role.rules.flatMap((r: any) =>
      r.resources.flatMap((res: string) =>
        r.verbs.map((v: string) => `${v} ${res}${r.resourceNames ? `/${r.resourceNames}` : ''}`),
      ),
    );
    expect(grants.sort()).toEqual(
      [
        'create namespaces',
        'delete namespaces',
        'get namespaces',
        'create secrets',
        'get secrets/ncp-cr',
        'update secrets/ncp-cr',
        'get deployments',
        'list deployments',
        'patch deployments',
        'get pods',
        'list pods',
        'get pods/log',
      ].sort(),
    );
  });
});
