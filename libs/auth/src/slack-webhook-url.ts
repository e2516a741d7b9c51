/** Slack's incoming-webhook hosts: a project's destination may name nothing else outside sandbox mode. */
export const SLACK_WEBHOOK_HOSTS = ['hooks.slack.com', 'hooks.slack-gov.com'];

const MAX_URL_LENGTH = 500;

/**
 * Why a Slack incoming-webhook URL given by a tenant is refused, or null when it is acceptable.
 * Outside sandbox mode only `https://hooks.slack.com/...` (no credentials, no other port), so
 * the runner's POST can never be pointed at an internal address. In sandbox mode the sandbox's
 * own Slack stand-in (`{sandboxUrl}/slack/...`) is accepted as well.
 */
export function slackWebhookUrlProblem(text: string, options: { sandboxUrl?: string } = {}): string | null {
  if (text.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be a URL';
  }
  if (url.username || url.password) return 'must not carry credentials';
  if (options.sandboxUrl) {
    const sandbox = new URL(options.sandboxUrl);
    if (url.origin === sandbox.origin && url.pathname.startsWith('/slack/')) return null;
  }
  if (url.protocol !== 'https:') return 'must be an https URL';
  if (!SLACK_WEBHOOK_HOSTS.includes(url.hostname) || url.port !== '')
    return `must be a Slack incoming webhook (https://${SLACK_WEBHOOK_HOSTS[0]}/services/...)`;
  if (
    !url.pathname.startsWith('/services/') &&
    !url.pathname.startsWith('/workflows/') &&
    !url.pathname.startsWith('/triggers/')
  )
    return `must be a Slack incoming webhook (https://${SLACK_WEBHOOK_HOSTS[0]}/services/...)`;
  return null;
}

/**
 * What the API shows of a destination: the host and the path without its last segment (the
 * webhook's secret), e.g. `https://hooks.slack.com/services/T0001/B0001/…`.
 */
export function maskSlackWebhookUrl(text: string): string {
  try {
    const url = new URL(text);
    const segments = url.pathname.split('/').filter(Boolean);
    const shown = segments.slice(0, Math.max(0, segments.length - 1));
    return `${url.origin}/${shown.map((s) => `${s}/`).join('')}…`;
  } catch {
    return '…';
  }
}
