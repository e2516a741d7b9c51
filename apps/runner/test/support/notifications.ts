import { pollUntil } from '@klepaas/testing';
import { getJson } from '../../../../test/support/http';
import type { TestSystem } from '../system';

/** What the sandbox's GitHub received for a repository: Deployments (with statuses) and commit statuses. */
export async function githubFeedback(system: TestSystem, fullName: string) {
  const q = `?repo=${encodeURIComponent(fullName)}`;
  const deployments = (await getJson(`${system.sandbox.url}/_sandbox/github/deployments${q}`)).body.deployments;
  const statuses = (await getJson(`${system.sandbox.url}/_sandbox/github/statuses${q}`)).body.statuses;
  return { deployments: deployments as any[], statuses: statuses as any[] };
}

export async function slackMessages(system: TestSystem, path: string) {
  const { messages } = (await getJson(`${system.sandbox.url}/_sandbox/slack/messages`)).body;
  return (messages as any[]).filter((m) => m.path === path);
}

/** Until every notification of the run is settled (sent, failed or skipped), as the run view shows them. */
export function untilNotified(system: TestSystem, runId: string, count: number) {
  return pollUntil(
    () => getJson(system.api(`/runs/${runId}`), system.owner),
    (r) =>
      (r.body?.notifications ?? []).length === count && r.body.notifications.every((n: any) => n.status !== 'pending'),
    { timeoutMs: 45_000, description: `the ${count} notifications of run ${runId} to settle` },
  ).then((r) => r.body);
}
