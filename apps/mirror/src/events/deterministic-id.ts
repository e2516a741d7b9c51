import { createHash } from 'node:crypto';

/** A fixed namespace so our ids never collide with another producer's name-based ids. */
const NAMESPACE = 'klepaas.mirror';

/**
 * A name-based UUID (version 5 layout: SHA-1 of the parts) for an event that a redone job
 * publishes again: the same run, attempt and event type give the same id, so every
 * consumer's inbox drops the second copy.
 */
export function deterministicEventId(...parts: Array<string | number>): string {
  const hash = createHash('sha1')
    .update([NAMESPACE, ...parts].join('\0'))
    .digest();
  hash[6] = (hash[6] & 0x0f) | 0x50; // version 5
  hash[8] = (hash[8] & 0x3f) | 0x80; // RFC 4122 variant
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
