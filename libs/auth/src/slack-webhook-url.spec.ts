import { maskSlackWebhookUrl, slackWebhookUrlProblem } from './slack-webhook-url';

describe('a project Slack webhook URL', () => {
  const good = 'https://hooks.slack.com/services/T0001/B0001/abcdefSECRET';

  it('accepts a Slack incoming webhook', () => {
    expect(slackWebhookUrlProblem(good)).toBeNull();
  });

  it.each([
    ['http://hooks.slack.com/services/T/B/x', /https/],
    ['https://hooks.slack.com.evil.test/services/T/B/x', /Slack incoming webhook/],
    ['https://127.0.0.1/services/T/B/x', /Slack incoming webhook/],
    ['https://169.254.169.254/latest/meta-data', /Slack incoming webhook/],
    ['https://hooks.slack.com:8443/services/T/B/x', /Slack incoming webhook/],
    ['https://user:pw@hooks.slack.com/services/T/B/x', /credentials/],
    ['https://hooks.slack.com/api/other', /Slack incoming webhook/],
    ['not a url', /URL/],
    [`https://hooks.slack.com/services/${'x'.repeat(600)}`, /at most/],
  ])('refuses %s', (url, problem) => {
    expect(slackWebhookUrlProblem(url)).toMatch(problem);
  });

  it('accepts the sandbox stand-in only in sandbox mode', () => {
    const url = 'http://127.0.0.1:4000/slack/services/T/B/x';
    expect(slackWebhookUrlProblem(url)).toMatch(/https/);
    expect(slackWebhookUrlProblem(url, { sandboxUrl: 'http://127.0.0.1:4000' })).toBeNull();
    expect(
      slackWebhookUrlProblem('http://127.0.0.1:4000/_sandbox/reset', { sandboxUrl: 'http://127.0.0.1:4000' }),
    ).toMatch(/https/);
  });

  it('is masked without its secret last segment', () => {
    expect(maskSlackWebhookUrl(good)).toBe('https://hooks.slack.com/services/T0001/B0001/…');
    expect(maskSlackWebhookUrl(good)).not.toContain('SECRET');
  });
});
