import type { PushReceivedPayload } from '@klepaas/contracts';
import type { RunnerProject } from '../projects/runner-project';
import { aProject } from '../../test/support/runner-project';
import { judgePush } from './push-policy';

const project = (overrides: Partial<RunnerProject['settings']> = {}, status = 'ready'): RunnerProject =>
  aProject({ status, settings: overrides });

const commit = (message: string, files: string[] = ['src/a.ts']) => ({
  id: 'a'.repeat(40),
  message,
  timestamp: null,
  author: null,
  added: [],
  removed: [],
  modified: files,
});

const push = (overrides: Partial<PushReceivedPayload> = {}): PushReceivedPayload => ({
  deliveryId: 'd1',
  repository: { id: 1, owner: 'acme', name: 'web', fullName: 'acme/web' },
  installationId: 7,
  ref: 'refs/heads/main',
  branch: 'main',
  tag: null,
  before: '0'.repeat(40),
  after: 'a'.repeat(40),
  created: false,
  deleted: false,
  forced: false,
  headCommit: commit('feat: x'),
  commits: [commit('feat: x')],
  pusher: { name: 'dev' },
  sender: { login: 'dev', id: 1 },
  ...overrides,
});

describe('the push policy', () => {
  it('deploys a push to the project branch', () => {
    expect(judgePush(project(), push())).toEqual({ deploy: true });
  });

  it.each([
    ['no-project', null, push()],
    ['project-not-ready', project({}, 'provisioning'), push()],
    ['auto-deploy-off', project({ autoDeploy: false }), push()],
    ['deleted-ref', project(), push({ deleted: true })],
    ['branch', project(), push({ ref: 'refs/heads/dev', branch: 'dev' })],
    ['branch', project(), push({ ref: 'refs/tags/v1', branch: null, tag: 'v1' })],
    ['skip-ci', project(), push({ commits: [commit('wip'), commit('docs [skip ci]')] })],
    ['skip-ci', project(), push({ commits: [commit('Chore [CI SKIP]')] })],
    ['paths', project({ paths: ['docs/**'] }), push()],
  ] as const)('says no by the %s rule', (rule, p, pushed) => {
    expect(judgePush(p, pushed)).toMatchObject({ deploy: false, rule, reason: expect.any(String) });
  });

  it('deploys when some file of some commit matches a path filter', () => {
    const pushed = push({ commits: [commit('a', ['README.md']), commit('b', ['services/api/main.go'])] });
    expect(judgePush(project({ paths: ['services/**'] }), pushed)).toEqual({ deploy: true });
  });

  it('says which commit asked to skip', () => {
    const verdict = judgePush(project(), push({ commits: [{ ...commit('x [skip ci]'), id: 'b'.repeat(40) }] }));
    expect(verdict).toMatchObject({ reason: 'commit bbbbbbb says [skip ci]' });
  });
});
