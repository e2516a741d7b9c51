import type { DeliverySkippedPayload, PushReceivedPayload } from '@klepaas/contracts';
import type { RunnerProject } from '../projects/runner-project';
import { firstMatchingFile } from './glob';

export type SkipRule = DeliverySkippedPayload['rule'];
export type Verdict = { deploy: true } | { deploy: false; rule: SkipRule; reason: string };

export const SKIP_CI = /\[(skip ci|ci skip)\]/i;

/**
 * The rules a push must pass to deploy (architecture.md decision 4), in order; the first "no"
 * is the one recorded. Merge-only needs a lookup and is checked separately, last.
 */
export function judgePush(project: RunnerProject | null, push: PushReceivedPayload): Verdict {
  if (!project) return skip('no-project', `no project is registered for ${push.repository.fullName}`);
  if (project.status !== 'ready') return skip('project-not-ready', `the project is ${project.status}, not ready`);
  if (!project.settings.autoDeploy) {
    return skip('auto-deploy-off', project.autoDeployReason ?? 'auto-deploy is off for this project');
  }
  if (push.deleted) return skip('deleted-ref', `${push.ref} was deleted`);
  if (push.branch !== project.settings.branch) {
    return skip(
      'branch',
      `pushed to ${push.branch ? `branch ${push.branch}` : push.ref}, the project deploys ${project.settings.branch}`,
    );
  }
  const marked =
    push.commits.find((c) => SKIP_CI.test(c.message)) ??
    (push.headCommit && SKIP_CI.test(push.headCommit.message) ? push.headCommit : null);
  if (marked) return skip('skip-ci', `commit ${marked.id.slice(0, 7)} says ${SKIP_CI.exec(marked.message)![0]}`);
  const filters = project.settings.paths;
  if (filters.length) {
    const files = push.commits.flatMap((c) => [...c.added, ...c.removed, ...c.modified]);
    // A push that lists more files than the budget checks deploys (as GitHub Actions does for a
    // diff too large to list): the filter only ever narrows the tenant's own deploys.
    if (!passesPathFilters(files, filters)) return skip('paths', `no changed file matches ${filters.join(', ')}`);
  }
  return { deploy: true };
}

/** How much matching one push (or one reconcile) may cost: tens of milliseconds on one core. */
const PUSH_FILES_BUDGET = 2_000_000;

/** Some file matches a filter, or there were too many files to know within the budget. */
export function passesPathFilters(files: string[], filters: string[]): boolean {
  const verdict = firstMatchingFile(files, filters, PUSH_FILES_BUDGET);
  return verdict.matched !== null || verdict.exhausted;
}

function skip(rule: SkipRule, reason: string): Verdict {
  return { deploy: false, rule, reason };
}
