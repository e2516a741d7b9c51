/** Our own headers on retried and parked messages (x-death is not relied on for counting). */
export const Headers = {
  attempt: 'x-klepaas-attempt',
  lastError: 'x-klepaas-last-error',
  error: 'x-klepaas-error',
  queue: 'x-klepaas-queue',
  routingKey: 'x-klepaas-routing-key',
  parkedAt: 'x-klepaas-parked-at',
} as const;

/** Header values must stay small: a stack trace belongs in the logs. */
export function headerText(text: string, max = 2000): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
