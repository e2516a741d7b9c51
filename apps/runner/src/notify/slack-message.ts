import type { NotifyKind } from './notification';

/** What a Slack message tells of a run: facts already shown to the project's owner, never a credential. */
export interface RunFacts {
  runId: string;
  owner: string;
  repo: string;
  status: string;
  triggerType: string;
  actor: string | null;
  commitSha: string | null;
  commitMessage: string | null;
  image: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  reason: string | null;
  failedStep: string | null;
  /** The failed step's error (NCP's message and code), when there is one. */
  stepError: { message?: string; code?: string | null; ncpErrorCode?: string | number | null } | null;
  runUrl: string;
}

const TEXT_LIMIT = 600;

/**
 * One Block Kit message: at the start (project, commit and its message's first line, who, how
 * triggered, a link to the run) and at the end (the same, with the outcome, duration and image,
 * or the failing step and NCP's error). `text` is the notification's plain fallback.
 */
export function slackMessage(kind: NotifyKind, run: RunFacts): { text: string; blocks: unknown[] } {
  const project = `${run.owner}/${run.repo}`;
  const sha7 = run.commitSha?.slice(0, 7) ?? 'no commit';
  const firstLine = clip((run.commitMessage ?? '').split('\n')[0].trim(), 150);
  const headline = kind === 'ended' ? endHeadline(run, project) : `:rocket: Deploying ${project}`;
  const fields = [
    `*Commit*\n\`${sha7}\`${firstLine ? ` ${escape(firstLine)}` : ''}`,
    `*By*\n${escape(run.actor ?? 'K-Le-PaaS')}`,
    `*Trigger*\n${run.triggerType}`,
  ];
  if (kind === 'ended') {
    const duration = durationOf(run);
    if (duration) fields.push(`*Duration*\n${duration}`);
    if (run.status === 'succeeded' && run.image) fields.push(`*Image*\n\`${escape(run.image)}\``);
  }
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(headline.replace(/:[a-z_]+: /, ''), 150) } },
    { type: 'section', fields: fields.map((text) => ({ type: 'mrkdwn', text })) },
  ];
  const failure = kind === 'ended' ? failureText(run) : null;
  if (failure) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: failure } });
  blocks.push({
    type: 'actions',
    elements: [{ type: 'button', text: { type: 'plain_text', text: 'View run' }, url: run.runUrl }],
  });
  return { text: `${headline} (${sha7})`, blocks };
}

function endHeadline(run: RunFacts, project: string): string {
  switch (run.status) {
    case 'succeeded':
      return `:white_check_mark: Deployed ${project}`;
    case 'failed':
      return `:x: Deploy of ${project} failed`;
    default:
      return `:black_square_for_stop: Deploy of ${project} ${run.status}`;
  }
}

function failureText(run: RunFacts): string | null {
  if (run.status === 'succeeded') return null;
  const where = run.failedStep ? `*Failed at ${run.failedStep}*` : `*${run.status}*`;
  const code = run.stepError?.ncpErrorCode ?? run.stepError?.code;
  const message = run.stepError?.message ?? run.reason;
  if (!message) return where;
  return `${where}${code ? ` (${escape(String(code))})` : ''}\n${escape(clip(message, TEXT_LIMIT))}`;
}

function durationOf(run: RunFacts): string | null {
  if (!run.startedAt || !run.finishedAt) return null;
  const s = Math.max(0, Math.round((run.finishedAt.getTime() - run.startedAt.getTime()) / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

/** Slack's mrkdwn control characters. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
