import { randomUUID } from 'node:crypto';

/**
 * Numeric ids, one sequence per kind of thing. Each kind starts in its own range so a test
 * that passes a build project id where a deploy project id belongs gets a 404, as it would
 * against NCP, instead of hitting a lookalike.
 */
export class Sequence {
  private next: number;

  constructor(private readonly start: number) {
    this.next = start;
  }

  take(): number {
    return this.next++;
  }

  reset(): void {
    this.next = this.start;
  }
}

export const uuid = (): string => randomUUID();
