import type { KlepaasConfig } from '@klepaas/config';
import { GithubClient, isGithubError } from '@klepaas/github';
import { APP_PERMISSIONS } from '../github-app-setup/app-manifest';
import { missingPermissions } from '../github-app-setup/missing-permissions';
import { CheckResult, fail, ok, reason } from './check-result';

/** The GitHub App: its JWT accepted (`GET /app`), the permissions it holds, and how many accounts installed it. */
export async function checkGithubApp(config: KlepaasConfig): Promise<CheckResult> {
  const { appId, appPrivateKey, apiUrl } = config.github;
  if (!appId || !appPrivateKey)
    return fail(
      'GitHub App',
      'KLEPAAS_GITHUB_APP_ID and KLEPAAS_GITHUB_APP_PRIVATE_KEY are not both set',
      'create the App from the setup page (docs/github-app.md) and set the lines it shows',
    );
  let github: GithubClient;
  try {
    github = new GithubClient({ apiUrl, appId, appPrivateKey, timeoutMs: 10_000 });
  } catch (error) {
    return fail(
      'GitHub App',
      reason(error),
      'KLEPAAS_GITHUB_APP_PRIVATE_KEY must be the PEM GitHub gave (\\n for newlines)',
    );
  }
  try {
    const app = await github.app();
    const missing = missingPermissions(app.permissions, APP_PERMISSIONS);
    if (missing.length)
      return fail(
        'GitHub App',
        `"${app.slug || app.name}" (id ${app.id}) lacks ${missing.join(', ')}`,
        "grant them on the App's settings page (Permissions & events), then accept the new permissions on each installation",
      );
    const installations = await github.installationCount();
    const note = installations === 0 ? ' (install it on the accounts whose repositories deploy)' : '';
    return ok('GitHub App', `"${app.slug || app.name}" (id ${app.id}), ${installations} installation(s)${note}`);
  } catch (error) {
    const refused = isGithubError(error) && (error.code === 'unauthorized' || error.status === 401);
    return fail(
      'GitHub App',
      `${apiUrl}: ${reason(error)}`,
      refused
        ? "GitHub refused the App's JWT: KLEPAAS_GITHUB_APP_ID and KLEPAAS_GITHUB_APP_PRIVATE_KEY must be the same App's (generate a new key on its settings page), and this machine's clock must be right"
        : 'check KLEPAAS_GITHUB_API_URL (https://api.github.com, or https://<host>/api/v3 for GitHub Enterprise)',
    );
  } finally {
    await github.close();
  }
}
