import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AppName, envSchema, loadConfig } from '@klepaas/config';
import { mirrorSettings } from '../../apps/mirror/src/mirror-settings';
import { KubernetesObject, schemaProblems, UnknownFieldCheck } from '../support/kubernetes-schema';

/** The Kubernetes manifests (deploy/), as `kubectl kustomize` renders each overlay. */
const ROOT = path.join(__dirname, '../..');
const OVERLAYS = ['staging', 'production'];
const SERVICES: AppName[] = ['gateway', 'provisioner', 'mirror', 'runner', 'history'];
const SECRET = 'klepaas-secrets';

function render(overlay: string): KubernetesObject[] {
  const out = execFileSync('kubectl', ['kustomize', path.join(ROOT, 'deploy/overlays', overlay)], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS() as KubernetesObject);
}

/** The example values of the Secret (deploy/secrets.env.example), as kubectl --from-env-file reads it. */
const exampleSecrets: Record<string, string> = Object.fromEntries(
  readFileSync(path.join(ROOT, 'deploy/secrets.env.example'), 'utf8')
    .split('\n')
    .filter((line) => line.trim() && !line.startsWith('#'))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
);
// Its encryption key is published, so refused (libs/config): an operator makes their own, as this does.
exampleSecrets.KLEPAAS_WEBHOOK_SECRET_KEY = randomBytes(32).toString('hex');

interface EnvEntry {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
}

describe.each(OVERLAYS)('the %s overlay', (overlay) => {
  const objects = render(overlay);
  const deployments = new Map(objects.filter((o) => o.kind === 'Deployment').map((d) => [d.metadata!.name!, d as any]));
  const container = (service: string) => deployments.get(service).spec.template.spec.containers[0];

  it('renders only objects the Kubernetes schemas accept, with no field they do not know', () => {
    const fields = new UnknownFieldCheck(objects);
    const problems = objects.flatMap((o) =>
      [...schemaProblems(o), ...fields.unknownFields(o).map((f) => `unknown field ${f}`)].map(
        (p) => `${o.kind} ${o.metadata?.name}: ${p}`,
      ),
    );
    expect(problems).toEqual([]);
    expect(objects.every((o) => o.metadata?.namespace)).toBe(true);
  });

  it('deploys the five services with probes, resources, scrape annotations and a disruption budget', () => {
    expect([...deployments.keys()].sort()).toEqual([...SERVICES].sort());
    for (const service of SERVICES) {
      const d = deployments.get(service);
      const c = container(service);
      const port = c.ports.find((p: any) => p.name === 'http').containerPort;
      expect(c.command).toEqual(['node', `dist/apps/${service}/main.js`]);
      expect(c.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
      expect(c.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
      for (const kind of ['requests', 'limits'])
        expect(Object.keys(c.resources[kind]).sort()).toEqual(['cpu', 'memory']);
      expect(d.spec.template.metadata.annotations).toEqual({
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': String(port),
        'prometheus.io/path': '/metrics',
      });
      const labels = d.spec.template.metadata.labels;
      const budget = objects.find((o: any) => o.kind === 'PodDisruptionBudget' && o.metadata?.name === service) as any;
      expect(budget.spec.selector.matchLabels).toEqual(d.spec.selector.matchLabels);
      expect(Object.entries(d.spec.selector.matchLabels).every(([k, v]) => labels[k] === v)).toBe(true);
    }
  });

  it('takes secrets by reference from the Secret klepaas-secrets, and holds no Secret itself', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const service of SERVICES) {
      const env: EnvEntry[] = container(service).env ?? [];
      expect(env.filter((e) => e.value !== undefined).map((e) => e.name)).toEqual([]);
      for (const e of env) expect(e.valueFrom?.secretKeyRef).toMatchObject({ name: SECRET, key: e.name });
    }
    // The example Secret has exactly the keys the manifests refer to.
    const referenced = new Set(SERVICES.flatMap((s) => (container(s).env ?? []).map((e: EnvEntry) => e.name)));
    expect(Object.keys(exampleSecrets).sort()).toEqual([...referenced].sort());
  });

  it('sets only KLEPAAS_* variables the configuration knows, with values it accepts, for each service', () => {
    const known = new Set(Object.keys(envSchema.shape));
    for (const service of SERVICES) {
      const c = container(service);
      const fromConfigMaps: Array<[string, string]> = (c.envFrom ?? []).flatMap((f: any) => {
        const map = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === f.configMapRef?.name);
        expect(map).toBeDefined();
        return Object.entries((map as any).data as Record<string, string>);
      });
      const secrets: EnvEntry[] = c.env ?? [];
      const names = [...fromConfigMaps.map(([k]) => k), ...secrets.map((e) => e.name)];
      expect(names.filter((n) => !known.has(n) || !n.startsWith('KLEPAAS_'))).toEqual([]);

      // Loads as the service would, with the example secrets; and without the optional ones.
      const withSecrets = (keep: (e: EnvEntry) => boolean) => ({
        ...Object.fromEntries(fromConfigMaps),
        ...Object.fromEntries(secrets.filter(keep).map((e) => [e.name, exampleSecrets[e.name]])),
      });
      for (const env of [withSecrets(() => true), withSecrets((e) => !e.valueFrom?.secretKeyRef?.optional)]) {
        const config = loadConfig(service, env);
        expect(config.sandbox).toBe(false);
        expect(config.rabbitmqQueueType).toBe('quorum');
        if (service === 'mirror') expect(() => mirrorSettings(config)).not.toThrow();
      }
    }
  });

  it("keeps the mirror's cache on an emptyDir at /tmp, and /tmp writable in every service", () => {
    for (const service of SERVICES) {
      const spec = deployments.get(service).spec.template.spec;
      expect(container(service).volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
      expect(spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: expect.any(String) } }]);
      expect(container(service).securityContext.readOnlyRootFilesystem).toBe(true);
    }
    expect(deployments.get('mirror').spec.template.spec.volumes[0].emptyDir.sizeLimit).toBe('4Gi');
  });
});
