import { randomUUID } from 'node:crypto';
import type { MirrorRequestedPayload } from '@klepaas/contracts';
import { commitMessage, sequenceOf } from './commit-message';

describe('commitMessage', () => {
  const request: MirrorRequestedPayload = {
    runId: randomUUID(),
    projectId: randomUUID(),
    attempt: 1,
    sequence: 12,
    source: { owner: 'acme', repo: 'web', commitSha: 'abc1234'.padEnd(40, '0'), installationId: 7 },
    target: { repository: 'acme-web', branch: 'main' },
    image: 'r.example/acme-web:abc1234',
    replicas: 4,
    namespace: 'ns',
    containerPort: 8080,
    appName: 'acme-web',
  };

  it('names the tag, the replicas, the source commit and the run sequence', () => {
    expect(commitMessage(request)).toBe(
      'deploy: abc1234 replicas=4 (source abc1234)\n\n' +
        'Image: r.example/acme-web:abc1234\n' +
        `Source: acme/web@${request.source.commitSha}\n\n` +
        'Klepaas-Sequence: 12\n',
    );
  });

  it('depends on nothing but the deploy: another attempt of the run gives the same message', () => {
    expect(commitMessage({ ...request, attempt: 3 })).toBe(commitMessage(request));
  });

  it('reads the sequence back, and none from a commit someone else made', () => {
    expect(sequenceOf(commitMessage(request))).toBe(12);
    expect(sequenceOf('fix: typo\n\nKlepaas-Sequence: twelve\n')).toBeNull();
    expect(sequenceOf('a hand-made commit')).toBeNull();
  });
});
