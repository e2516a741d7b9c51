import { createHash } from 'node:crypto';
import type { ConsumeMessage } from 'amqplib';
import { Headers } from '@klepaas/messaging';

/**
 * The same parked message always gets the same id, so draining it twice (a crash between the
 * insert and the ack) stores it once.
 */
export function parkedMessageId(queue: string, message: ConsumeMessage): string {
  const headers = message.properties.headers ?? {};
  const death = Array.isArray(headers['x-death']) ? headers['x-death'][0] : undefined;
  const when = String(headers[Headers.parkedAt] ?? death?.time?.value ?? death?.time ?? '');
  const hex = createHash('sha256')
    .update(`${queue}\n${when}\n${message.properties.messageId ?? ''}\n`)
    .update(message.content)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
