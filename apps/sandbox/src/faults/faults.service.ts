import { Injectable } from '@nestjs/common';
import { uuid } from '../common/ids';
import { ProjectNames } from '../common/project-names';
import { ResetHooks } from '../common/reset-hooks';
import { FaultRule, FaultRuleInput, Party } from './fault-rule';

const HTTP_EFFECTS: FaultRule['effect'][] = ['status', 'hold', 'delay-answer', 'drop-answer'];

export interface JobSubject {
  id: number;
  name: string;
}

/**
 * The one fault mechanism. Rules are checked in the order they were added; a request or a job
 * takes the first rule that matches and still has hits left. Answering an HTTP status is done
 * by the middleware for every party; fail and hang are read by SourceBuild and SourceDeploy
 * when a job starts. A hung job waits until its rule is cleared (or the job is cancelled).
 */
@Injectable()
export class FaultsService {
  private rules: FaultRule[] = [];
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly projectNames: ProjectNames,
    resetHooks: ResetHooks,
  ) {
    resetHooks.register(() => {
      this.clear();
    });
  }

  add(input: FaultRuleInput): FaultRule {
    const times = input.times ?? 1;
    const rule: FaultRule = {
      ...input,
      project: input.project === undefined ? undefined : String(input.project),
      id: uuid(),
      times,
      remaining: times,
      hits: 0,
      createdAt: new Date().toISOString(),
    };
    this.rules.push(rule);
    return rule;
  }

  list(): FaultRule[] {
    return this.rules;
  }

  /** Removes one rule (or all), releasing the jobs they hold hung. Returns how many went. */
  clear(id?: string): number {
    const gone = this.rules.filter((r) => id === undefined || r.id === id);
    this.rules = this.rules.filter((r) => !gone.includes(r));
    for (const rule of gone) {
      for (const release of this.waiters.get(rule.id) ?? []) release();
      this.waiters.delete(rule.id);
    }
    return gone.length;
  }

  /** The HTTP rule (status, hold, delay-answer, drop-answer) a request hits, if any (counts the hit). */
  takeHttpFault(party: Party, method: string, url: string): FaultRule | undefined {
    const projectId = /\/project\/(\d+)(?:[/?]|$)/.exec(url)?.[1];
    const names = projectId ? [projectId, this.projectNames.nameOf(party, Number(projectId))] : [];
    return this.take(
      (r) =>
        HTTP_EFFECTS.includes(r.effect) &&
        r.party === party &&
        (!r.method || r.method.toUpperCase() === method.toUpperCase()) &&
        (!r.path || url.includes(r.path)) &&
        (!r.project || names.includes(r.project)),
    );
  }

  /** The fail or hang rule a starting build or deploy hits, if any (counts the hit). */
  takeJobFault(party: 'sourcebuild' | 'sourcedeploy', subject: JobSubject): FaultRule | undefined {
    return this.take(
      (r) =>
        (r.effect === 'fail' || r.effect === 'hang') &&
        r.party === party &&
        (!r.project || r.project === String(subject.id) || r.project === subject.name),
    );
  }

  /** Resolves once the rule is cleared (at once if it is already gone). */
  untilCleared(ruleId: string): Promise<void> {
    if (!this.rules.some((r) => r.id === ruleId)) return Promise.resolve();
    return new Promise((resolve) => {
      const set = this.waiters.get(ruleId) ?? new Set();
      set.add(resolve);
      this.waiters.set(ruleId, set);
    });
  }

  private take(matches: (rule: FaultRule) => boolean): FaultRule | undefined {
    const rule = this.rules.find((r) => r.remaining > 0 && matches(r));
    if (rule) {
      rule.remaining -= 1;
      rule.hits += 1;
    }
    return rule;
  }
}
