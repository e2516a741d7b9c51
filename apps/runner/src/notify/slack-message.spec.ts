import { RunFacts, slackMessage } from './slack-message';

const facts: RunFacts = {
  runId: 'r1',
  owner: 'acme',
  repo: 'shop',
  status: 'succeeded',
  triggerType: 'push',
  actor: 'alice',
  commitSha: 'abcdef0123456789abcdef0123456789abcdef01',
  commitMessage: 'feat: <b>cart</b>\n\nlong body',
  image: 'registry.example/acme-shop:abcdef0',
  startedAt: new Date('2026-01-01T00:00:00Z'),
  finishedAt: new Date('2026-01-01T00:01:05Z'),
  reason: null,
  failedStep: null,
  stepError: null,
  runUrl: 'https://paas.example/api/v1/runs/r1',
};

describe('the Slack message of a run', () => {
  it('starts with the project, commit, who, trigger and a link', () => {
    const message = JSON.stringify(slackMessage('started', { ...facts, status: 'mirroring' }));
    expect(message).toContain('Deploying acme/shop');
    expect(message).toContain('`abcdef0` feat: &lt;b&gt;cart&lt;/b&gt;');
    expect(message).not.toContain('long body');
    expect(message).toContain('alice');
    expect(message).toContain('push');
    expect(message).toContain('https://paas.example/api/v1/runs/r1');
  });

  it('ends with the duration and image of a success', () => {
    const message = JSON.stringify(slackMessage('ended', facts));
    expect(message).toContain('Deployed acme/shop');
    expect(message).toContain('1 min 5 s');
    expect(message).toContain('registry.example/acme-shop:abcdef0');
  });

  it('ends with the failing step and NCP error of a failure', () => {
    const message = slackMessage('ended', {
      ...facts,
      status: 'failed',
      failedStep: 'build',
      stepError: { message: 'Dockerfile not found', ncpErrorCode: 'BUILD_FAILED' },
    });
    const text = JSON.stringify(message);
    expect(text).toContain('failed');
    expect(text).toContain('Failed at build');
    expect(text).toContain('BUILD_FAILED');
    expect(text).toContain('Dockerfile not found');
    expect(text).not.toContain('Image');
  });
});
