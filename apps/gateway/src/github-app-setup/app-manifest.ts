import { WEBHOOK_PATHS } from '../webhooks/webhook-http.handler';

/** Where GitHub sends the browser back with the one-time code. */
export const SETUP_CALLBACK_PATH = '/api/v1/admin/github-app/callback';

/**
 * What the App may do, and no more (docs/github-app.md): read code and metadata (clone, resolve
 * commits, compare, who may administer a repository), read pull requests (the merge-only rule),
 * write deployments and commit statuses (the runner's feedback on each deploy, docs/notifications.md).
 */
export const APP_PERMISSIONS = {
  contents: 'read',
  metadata: 'read',
  pull_requests: 'read',
  deployments: 'write',
  statuses: 'write',
} as const;

/**
 * The events the gateway acts on. `installation` and `installation_repositories` reach every App
 * without subscribing (GitHub refuses them in a manifest).
 */
export const APP_EVENTS = ['push', 'pull_request', 'release'] as const;

export interface ManifestInput {
  /** The gateway's public URL (KLEPAAS_PUBLIC_URL). */
  publicUrl: string;
  /** The App's name on GitHub (34 characters at most, unique on GitHub). */
  name: string;
}

/** The GitHub App manifest (GitHub's "registering an App from a manifest"). */
export function appManifest(input: ManifestInput) {
  return {
    name: input.name,
    url: input.publicUrl,
    description: 'K-Le-PaaS CI/CD: push-to-deploy on NCP (SourceCommit, SourceBuild, SourceDeploy, NKS).',
    hook_attributes: { url: `${input.publicUrl}${WEBHOOK_PATHS[0]}`, active: true },
    redirect_url: `${input.publicUrl}${SETUP_CALLBACK_PATH}`,
    public: false,
    default_permissions: { ...APP_PERMISSIONS },
    default_events: [...APP_EVENTS],
  };
}

/** The GitHub page a manifest is posted to: the operator's own account, or an organisation's. */
export function manifestFormAction(webUrl: string, organisation: string | undefined, state: string): string {
  const base = organisation ? `${webUrl}/organizations/${encodeURIComponent(organisation)}` : webUrl;
  return `${base}/settings/apps/new?state=${encodeURIComponent(state)}`;
}
