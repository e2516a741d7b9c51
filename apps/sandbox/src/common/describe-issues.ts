import type { z } from 'zod';

/** Turns zod issues into one readable line: `tasks.0.config.projectId: required; name: ...`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : 'body';
      const missing = issue.code === 'invalid_type' && /received undefined/.test(issue.message);
      return `${where}: ${missing ? 'required' : issue.message}`;
    })
    .join('; ');
}
