import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createEnvelope, EventEnvelope, Events, MirrorRequestedPayload } from '@klepaas/contracts';
import { BrokerConnection, EventPublisher } from '@klepaas/messaging';
import { createIsolatedInfra, IsolatedInfra, pollUntil } from '@klepaas/testing';
import { startService, StartedService } from '../../../test/support/services';
import { RunningSandbox, startSandbox } from '../../sandbox/src/start-sandbox';
import { git, pushFiles } from '../../sandbox/test/support/git';
import { createMirrorService } from '../src/mirror.service';
import { githubCommitPeople, plainFilesOf, sourceCommitState } from './support/inspect';
import { commentedManifest, deploymentOf, deploymentWith, objectOf, TARGET } from './support/manifests';
import {
  githubAdmin,
  githubRepoWith,
  MirrorAnswers,
  mirrorEnv,
  mirrorRequest,
  sourceCommitAuth,
  sourceCommitRepo,
} from './support/mirror-fixtures';

const DOCKERFILE = 'FROM scratch\nCOPY app /app\n';
// The module object itself (an `import * as` copy would not be the one the mirror calls through).
const childProcess: typeof import('node:child_process') = require('node:child_process');

describe('mirror: a GitHub commit becomes a deploy commit in SourceCommit', () => {
  let infra: IsolatedInfra;
  let sandbox: RunningSandbox;
  let mirror: StartedService;
  let answers: MirrorAnswers;
  let publisher: EventPublisher;
  let cacheDir: string;
  // Every process the mirror starts, to prove no credential is ever in an argument list.
  const spawned = jest.spyOn(childProcess, 'spawn');

  beforeAll(async () => {
    infra = await createIsolatedInfra();
    sandbox = await startSandbox({ port: 0, logger: false });
    cacheDir = await mkdtemp(join(tmpdir(), 'klepaas-mirror-test-'));
    // As every publisher does, declare the queues first (an unroutable message is dropped).
    const broker = new BrokerConnection({ url: infra.rabbitmqUrl, retryDelaysMs: [100, 200, 400] });
    await broker.ready();
    await broker.onModuleDestroy();
    answers = await MirrorAnswers.listen(infra.rabbitmqUrl);
    mirror = await startService(createMirrorService({ cacheDir }), infra, mirrorEnv(sandbox));
    publisher = new EventPublisher({ url: infra.rabbitmqUrl });
  });

  afterAll(async () => {
    spawned.mockRestore();
    await publisher?.onModuleDestroy();
    await mirror?.close();
    await answers?.close();
    await sandbox?.close();
    await infra?.dispose();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  async function mirrorAndWait(payload: MirrorRequestedPayload, count = 1): Promise<EventEnvelope<string, any>> {
    const request = createEnvelope(Events.MirrorRequested, payload, { correlationId: payload.runId });
    await publisher.publish(request);
    const seen = await pollUntil(
      () => answers.for(payload.runId),
      (events) => events.length >= count,
      { description: `${count} answer(s) for run ${payload.runId}` },
    );
    const answer = seen[seen.length - 1];
    expect(answer).toMatchObject({ correlationId: payload.runId, causationId: request.id });
    return answer;
  }

  it("commits the new image and replicas into the repository's manifest, comments kept, and pushes it", async () => {
    const github = await githubRepoWith(sandbox, {
      'k8s/deployment.yaml': commentedManifest(),
      Dockerfile: DOCKERFILE,
    });
    const target = await sourceCommitRepo(sandbox);
    const payload = mirrorRequest(sandbox, github, target.name);

    const answer = await mirrorAndWait(payload);

    expect(answer.type).toBe('MirrorCompleted');
    expect(answer.payload).toEqual({
      runId: payload.runId,
      projectId: payload.projectId,
      attempt: 1,
      sourceCommit: github.head,
      mirroredCommit: expect.stringMatching(/^[0-9a-f]{40}$/),
      oldTag: 'old0001',
      newTag: github.head.slice(0, 7),
      oldReplicas: 2,
      newReplicas: 3,
      manifestCreated: false,
    });
    const state = await sourceCommitState(sandbox, target.url);
    expect(state.head).toBe(answer.payload.mirroredCommit);
    expect(state.parent).toBe(github.head);
    expect(state.message).toBe(
      `deploy: ${github.head.slice(0, 7)} replicas=3 (source ${github.head.slice(0, 7)})\n\n` +
        `Image: ${payload.image}\nSource: ${github.owner}/web@${github.head}\n\nKlepaas-Sequence: 1`,
    );
    // Author, committer and both dates are the source commit's: nothing depends on the job.
    expect(state.people).toBe(await githubCommitPeople(sandbox, github.cloneUrl, github.head));
    expect(state.manifest).toContain(`image: "${payload.image}" # replaced on every deploy`);
    expect(state.manifest).toContain('replicas: 3 # scaled by K-Le-PaaS');
    expect(state.manifest).toContain('# The service in front of it');
    const objects = parseAllDocuments(state.manifest).map((d) => d.toJS());
    expect(objects.map((o) => o.metadata.namespace)).toEqual([TARGET.namespace, TARGET.namespace]);
  });

  it('writes the default manifest when the repository has none', async () => {
    const github = await githubRepoWith(sandbox, { Dockerfile: DOCKERFILE, 'README.md': '# web\n' });
    const target = await sourceCommitRepo(sandbox);

    const answer = await mirrorAndWait(mirrorRequest(sandbox, github, target.name));

    expect(answer.payload).toMatchObject({ manifestCreated: true, oldTag: null, oldReplicas: null, newReplicas: 3 });
    const [deployment, service] = parseAllDocuments((await sourceCommitState(sandbox, target.url)).manifest).map((d) =>
      d.toJS(),
    );
    expect(deployment).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'acme-web', namespace: TARGET.namespace },
    });
    expect(deployment.spec.template.spec.containers[0].image).toBe(
      `127.0.0.1:${sandbox.port}/acme-web:${github.head.slice(0, 7)}`,
    );
    expect(service).toMatchObject({ kind: 'Service', metadata: { name: 'acme-web', namespace: TARGET.namespace } });
  });

  it('pushes the very same commit when a job is redone, and one deploy commit on top of the source', async () => {
    const github = await githubRepoWith(sandbox, { 'k8s/deployment.yaml': commentedManifest() });
    const target = await sourceCommitRepo(sandbox);
    const payload = mirrorRequest(sandbox, github, target.name);

    const first = await mirrorAndWait(payload);
    const second = await mirrorAndWait(payload, 2);

    expect(second.payload.mirroredCommit).toBe(first.payload.mirroredCommit);
    expect(second.id).toBe(first.id); // consumers' inboxes drop the repeat
    const state = await sourceCommitState(sandbox, target.url);
    expect(state.head).toBe(first.payload.mirroredCommit);
    expect(state.commits).toBe(2); // the source commit and the deploy commit, nothing stacked

    // The next push on GitHub is fetched into the same cache and replaces the deploy commit.
    const next = await pushFiles(github.cloneUrl, githubAdmin(sandbox), 'main', { 'app.txt': 'v2\n' }, 'feat: v2');
    const third = await mirrorAndWait(mirrorRequest(sandbox, { ...github, head: next }, target.name));
    const after = await sourceCommitState(sandbox, target.url);
    expect(after.parent).toBe(next);
    expect(after.head).toBe(third.payload.mirroredCommit);
    expect(after.commits).toBe(3);
    expect(third.payload.oldTag).toBe('old0001'); // GitHub's manifest still says old0001
  });

  const C0 = 'spec.template.spec.containers[0]';
  it.each([
    [
      'a privileged container',
      deploymentWith('', '\n          securityContext: {privileged: true}'),
      [`${C0}.securityContext.privileged: true runs a privileged container [baseline: privileged containers]`],
      {},
    ],
    [
      'a capability beyond the baseline',
      deploymentOf({}, { securityContext: { capabilities: { add: ['SYS_ADMIN'] } } }),
      [`${C0}.securityContext.capabilities.add[0]: "SYS_ADMIN" is beyond the baseline set [baseline: capabilities]`],
      {},
    ],
    [
      'a hostPath volume',
      deploymentWith('      volumes:\n        - name: h\n          hostPath: {path: /etc}\n'),
      ['spec.template.spec.volumes[0].hostPath: mounts the node\'s path "/etc" [baseline: hostPath volumes]'],
      {},
    ],
    [
      'another namespace',
      commentedManifest(undefined, 'kube-system'),
      ['metadata.namespace: "kube-system" is not', '[platform: own namespace]'],
      {},
    ],
    [
      'a kind outside the allow-list',
      `${commentedManifest()}---\n${objectOf('ClusterRole', 'rbac.authorization.k8s.io/v1')}`,
      ['kind: ClusterRole is not allowed', '[platform: allowed kinds]'],
      {},
    ],
    [
      'a second Deployment past the replica bound',
      `${commentedManifest()}---\n${deploymentOf({}, { image: 'busybox' }, {}, 'worker').replace('spec:\n', 'spec:\n  replicas: 8\n')}`,
      ['come to 11 pods in all (Deployment "acme-web" 3 + Deployment "worker" 8)', '[platform: replicas]'],
      {},
    ],
    [
      'a root container in a restricted project',
      commentedManifest(),
      [`${C0}.securityContext.runAsNonRoot: must be true`, '[restricted: running as non-root]'],
      { podSecurity: 'restricted' as const },
    ],
  ])(
    'refuses a manifest with %s: MirrorFailed naming the field and rule, not retryable, nothing pushed',
    async (_, manifest, reasons, overrides) => {
      const github = await githubRepoWith(sandbox, { 'k8s/deployment.yaml': manifest });
      const target = await sourceCommitRepo(sandbox);

      const answer = await mirrorAndWait(mirrorRequest(sandbox, github, target.name, overrides));

      expect(answer.type).toBe('MirrorFailed');
      expect(answer.payload).toMatchObject({ retryable: false, error: { code: 'manifest_forbidden' } });
      expect(answer.payload.error.message).toMatch(/^k8s\/deployment.yaml is refused: /);
      for (const reason of reasons) expect(answer.payload.error.message).toContain(reason);
      expect(await git(['ls-remote', '--heads', target.url], { auth: sourceCommitAuth(sandbox) })).toBe('');
    },
  );

  it('refuses a commit GitHub does not have', async () => {
    const github = await githubRepoWith(sandbox, { 'README.md': '# web\n' });
    const target = await sourceCommitRepo(sandbox);
    const missing = randomBytes(20).toString('hex');
    const payload = mirrorRequest(sandbox, github, target.name);

    const answer = await mirrorAndWait({ ...payload, source: { ...payload.source, commitSha: missing } });

    expect(answer.payload).toMatchObject({ retryable: false, error: { code: 'commit_not_found' } });
    expect(answer.payload.error.message).toContain(missing);
  });

  it('never puts a credential in a process argument or in the cache, and leaves no scratch directory', async () => {
    const gitCalls = spawned.mock.calls.filter(([command]) => command === 'git');
    const authenticated = gitCalls.filter(([, , options]) =>
      Object.values(options?.env ?? {}).some((v) => String(v).startsWith('Authorization: Basic ')),
    );
    // The spy did see the mirror's fetches and pushes (or this test would prove nothing).
    expect(authenticated.some(([, args]) => (args as string[])[0] === 'fetch')).toBe(true);
    expect(authenticated.some(([, args]) => (args as string[])[0] === 'push')).toBe(true);
    const secrets = new Set([sandbox.options.sourceCommitPassword, sandbox.options.githubAdminToken]);
    for (const [, , options] of authenticated) {
      for (const value of Object.values(options?.env ?? {})) {
        const header = /^Authorization: Basic (.+)$/.exec(String(value));
        if (header) secrets.add(Buffer.from(header[1], 'base64').toString().split(':').slice(1).join(':'));
      }
    }
    expect([...secrets].some((s) => s.startsWith('ghs_'))).toBe(true); // the installation tokens
    const argv = gitCalls.map(([, args]) => (args as string[]).join(' ')).join('\n');
    for (const secret of secrets) expect(argv).not.toContain(secret);
    expect(argv).not.toMatch(/Authorization|ghs_/);

    const repositories = await readdir(join(cacheDir, 'repositories'));
    expect(repositories.filter((n) => n.endsWith('.git')).length).toBeGreaterThan(0);
    for (const repository of repositories.filter((n) => n.endsWith('.git'))) {
      const config = await readFile(join(cacheDir, 'repositories', repository, 'config'), 'utf8');
      expect(config).not.toMatch(/extraheader|remote|url|ghs_/i);
      for (const file of await plainFilesOf(join(cacheDir, 'repositories', repository))) {
        const text = await readFile(file, 'utf8');
        for (const secret of secrets) expect(text).not.toContain(secret);
      }
    }
    expect(await readdir(join(cacheDir, 'jobs'))).toEqual([]);
  });
});
