import { randomUUID } from 'node:crypto';
import type { MirrorRequestedPayload } from '@klepaas/contracts';
import { commitMessage } from './commit-message';

describe('commitMessage', () => {
  const request: MirrorRequestedPayload = {
    runId: randomUUID(),
    projectId: randomUUID(),
    attempt: 1,
    source: { owner: 'acme', repo: 'web', commitSha: 'abc1234'.padEnd(40, '0'), installationId: 7 },
    target: { repository: 'acme-web', branch: 'main' },
    image: 'r.example/acme-web:abc1234',
    replicas: 4,
    namespace: 'ns',
    containerPort: 8080,
    appName: 'acme-web',
  };

  it('names the tag, the replicas and the source commit', () => {
    expect(commitMessage(request)).toBe(
      'deploy: abc1234 replicas=4 (source abc1234)\n\n' +
        'Image: r.example/acme-web:abc1234\n' +
        `Source: acme/web@${request.source.commitSha}\n`,
    );
  });

  it('depends on nothing but the deploy: another run or attempt gives the same message', () => {
    expect(commitMessage({ ...request, runId: randomUUID(), attempt: 3 })).toBe(commitMessage(request));
  });
});
