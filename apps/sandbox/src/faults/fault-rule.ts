import { z } from 'zod';

/** The outside parties the sandbox stands in for; each owns one URL prefix. */
export const PARTIES = [
  'sourcecommit',
  'sourcebuild',
  'sourcedeploy',
  'sourcepipeline',
  'ncr',
  'registry',
  'git',
  'github',
  'github-git',
  'slack',
] as const;
export type Party = (typeof PARTIES)[number];

const PREFIXES: [string, Party][] = [
  ['/ncp/sourcecommit/', 'sourcecommit'],
  ['/ncp/sourcebuild/', 'sourcebuild'],
  ['/ncp/sourcedeploy/', 'sourcedeploy'],
  ['/ncp/sourcepipeline/', 'sourcepipeline'],
  ['/ncp/ncr/', 'ncr'],
  ['/v2/', 'registry'],
  ['/git/', 'git'],
  ['/github/api/', 'github'],
  ['/github/git/', 'github-git'],
  ['/slack/', 'slack'],
];

/** Which party a request path belongs to (undefined for /_sandbox and unknown paths). */
export function partyOf(path: string): Party | undefined {
  const withSlash = path.endsWith('/') ? path : `${path}/`;
  return PREFIXES.find(([prefix]) => withSlash.startsWith(prefix))?.[1];
}

/** SourceBuild's documented failedPhase values (docs/ncp.md, api §4.4). */
export const BUILD_FAILED_PHASES = [
  'prepare',
  'build',
  'pre-build',
  'post-build',
  'upload',
  'canceling',
  'timeout',
] as const;
export type BuildFailedPhase = (typeof BUILD_FAILED_PHASES)[number];

/** Body of POST /_sandbox/faults. */
export const faultRuleInput = z
  .object({
    party: z.enum(PARTIES),
    /**
     * status: answer this HTTP status instead of doing the call; fail, hang: a build or deploy
     * job fails or never ends; hold: wait `delayMs` before doing the call (a slow clone, a long
     * NCP call); delay-answer: do the call, then wait `delayMs` before answering; drop-answer: do
     * the call, then close the connection without an answer (a lost answer).
     */
    effect: z.enum(['status', 'fail', 'hang', 'hold', 'delay-answer', 'drop-answer']),
    /** effect hold and delay-answer: how long, in milliseconds. */
    delayMs: z.number().int().min(1).max(600_000).optional(),
    /** effect status: the HTTP status to answer (e.g. 429, 503). */
    status: z.number().int().min(400).max(599).optional(),
    /** effect status: Retry-After seconds (429 gets 1 when not given). */
    retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
    /** How many requests (status) or jobs (fail, hang) the rule hits; 1 when not given. */
    times: z.number().int().min(1).max(1_000_000).optional(),
    /** Optional matches: HTTP method, a fragment of the path+query, an NCP project id or name. */
    method: z.string().min(1).optional(),
    path: z.string().min(1).optional(),
    project: z.union([z.string().min(1), z.number().int()]).optional(),
    /** effect fail on sourcebuild: the failedPhase the build reports (build when not given). */
    failedPhase: z.enum(BUILD_FAILED_PHASES).optional(),
    /** effect fail: the reason written into the job's record. */
    reason: z.string().max(500).optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.effect === 'status' && rule.status === undefined)
      ctx.addIssue({ code: 'custom', path: ['status'], message: 'effect "status" needs a status' });
    if ((rule.effect === 'hold' || rule.effect === 'delay-answer') && rule.delayMs === undefined)
      ctx.addIssue({ code: 'custom', path: ['delayMs'], message: `effect "${rule.effect}" needs delayMs` });
    if (
      (rule.effect === 'fail' || rule.effect === 'hang') &&
      rule.party !== 'sourcebuild' &&
      rule.party !== 'sourcedeploy'
    )
      ctx.addIssue({
        code: 'custom',
        path: ['effect'],
        message: `effect "${rule.effect}" applies to sourcebuild or sourcedeploy jobs only`,
      });
    if (rule.failedPhase && !(rule.effect === 'fail' && rule.party === 'sourcebuild'))
      ctx.addIssue({
        code: 'custom',
        path: ['failedPhase'],
        message: 'failedPhase goes with effect "fail" on sourcebuild',
      });
  });

export type FaultRuleInput = z.infer<typeof faultRuleInput>;

export interface FaultRule extends Omit<FaultRuleInput, 'project'> {
  id: string;
  project?: string;
  times: number;
  /** Hits left; an exhausted rule stays listed (and keeps hung jobs hung) until cleared. */
  remaining: number;
  hits: number;
  createdAt: string;
}
