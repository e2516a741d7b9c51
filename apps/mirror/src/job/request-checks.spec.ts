import { randomUUID } from 'node:crypto';
import type { MirrorRequestedPayload } from '@klepaas/contracts';
import { Refusal } from '../refusal';
import { checkRequest, isBranchName } from './request-checks';

const valid: MirrorRequestedPayload = {
  runId: randomUUID(),
  projectId: randomUUID(),
  attempt: 1,
  sequence: 1,
  source: { owner: 'acme', repo: 'web.site', commitSha: 'a'.repeat(40), installationId: 7 },
  target: { repository: 'acme-web', branch: 'main' },
  image: 'klepaas-test.kr.ncr.ntruss.com/acme-web:abc1234',
  replicas: 2,
  namespace: 'klepaas-acme-web',
  containerPort: 8080,
  appName: 'acme-web',
};

describe('checkRequest', () => {
  it('accepts what the runner sends, registries with a port included', () => {
    expect(() => checkRequest(valid)).not.toThrow();
    expect(() => checkRequest({ ...valid, image: '127.0.0.1:4000/acme-web:abc1234' })).not.toThrow();
  });

  it.each([
    ['a repository name that climbs out of the URL', { source: { ...valid.source, repo: '..' } }, 'source.repo'],
    ['an owner with a slash', { source: { ...valid.source, owner: 'a/b' } }, 'source.owner'],
    ['a branch git would refuse', { target: { ...valid.target, branch: 'main..x' } }, 'target.branch'],
    ['a namespace Kubernetes would refuse', { namespace: 'Team_A' }, 'namespace'],
    ['an image without a tag', { image: 'r.example/acme-web' }, 'image'],
    ['an image carrying YAML', { image: 'r.example/acme-web:v1\nprivileged: true' }, 'image'],
  ])('refuses %s', (_, change, field) => {
    const run = () => checkRequest({ ...valid, ...change } as MirrorRequestedPayload);
    expect(run).toThrow(Refusal);
    expect(run).toThrow(new RegExp(`^MirrorRequested is invalid: ${field}`));
  });
});

describe('isBranchName', () => {
  it.each(['main', 'release/2024-01', 'feature/a.b', 'v1.0'])('accepts %s', (name) => {
    expect(isBranchName(name)).toBe(true);
  });

  it.each([
    '',
    '-x',
    'a b',
    'a..b',
    'a~1',
    'a^',
    'a:b',
    'a?',
    'a*',
    'a[',
    'a\\b',
    '/a',
    'a/',
    'a.',
    'a//b',
    '.a',
    'a.lock',
    '@',
    'a@{1}',
    'a\u0001',
  ])('refuses %j', (name) => {
    expect(isBranchName(name)).toBe(false);
  });
});
