import type { Channel, ChannelModel } from 'amqplib';
import {
  finishFromHolding,
  holdingQueueOf,
  MigrationProgress,
  moveClassicQueue,
  queueExists,
  sleep,
  withChannel,
} from './queue-moves';
import type { QueueSpec } from './topology';

export { holdingQueueOf };
export type { MigrationProgress };

/** Held (an exclusive queue) by the one process migrating, so two never move the same queue. */
export const MIGRATION_LOCK_QUEUE = 'klepaas.queue-migration.lock';

/**
 * Declares our queues as specified. A queue an earlier release declared as classic (the broker
 * refuses the quorum declaration with 406 and accepts the classic one) is drained and
 * redeclared as quorum, losing no message (queue-moves.ts). Any other difference is not
 * ours to fix here and throws. Returns the queues it migrated.
 */
export async function ensureQueueTypes(
  connection: ChannelModel,
  sets: QueueSpec[][],
  progress: MigrationProgress,
): Promise<string[]> {
  // Without the lock first: on a migrated (or new) installation every declaration succeeds
  // and no holding queue is left from an interrupted migration.
  let work = false;
  for (const spec of sets.flat()) {
    const refused = (await declareAs(connection, spec, { judge: false })) === 'refused';
    work = refused || (await queueExists(connection, holdingQueueOf(spec.name))) || work;
  }
  if (!work) return [];
  const lock = await acquireLock(connection, progress);
  try {
    const migrated: string[] = [];
    for (const set of sets) migrated.push(...(await migrateSet(connection, set, progress)));
    return migrated;
  } finally {
    await lock.deleteQueue(MIGRATION_LOCK_QUEUE).catch(() => undefined);
    await lock.close().catch(() => undefined);
  }
}

/** One service's queue set (dead-letter queue, retry tiers, main queue, in that order). */
async function migrateSet(connection: ChannelModel, set: QueueSpec[], progress: MigrationProgress): Promise<string[]> {
  // Judged under the lock only: another process may be migrating them until we hold it.
  const classic: QueueSpec[] = [];
  const interrupted: QueueSpec[] = [];
  for (const spec of set) {
    if ((await declareAs(connection, spec, { judge: true })) === 'classic') classic.push(spec);
    else if (await queueExists(connection, holdingQueueOf(spec.name))) interrupted.push(spec);
  }
  // Redeclared already, but its messages still wait in the holding queue.
  for (const spec of interrupted) await finishFromHolding(connection, spec, progress);
  if (classic.length === 0) return interrupted.map((spec) => spec.name);
  // The main queue's consumers publish retries and parks into the set by queue name: none of
  // the previous release may be left while one of its queues is briefly absent.
  const main = set.find((spec) => spec.role === 'main');
  if (main) await waitUntilUnused(connection, main.name, progress);
  for (const spec of classic) await moveClassicQueue(connection, spec, progress);
  return [...interrupted, ...classic].map((spec) => spec.name);
}

async function waitUntilUnused(connection: ChannelModel, queue: string, progress: MigrationProgress): Promise<void> {
  for (let round = 0; ; round++) {
    const { consumerCount } = await withChannel(connection, (ch) => ch.checkQueue(queue));
    if (consumerCount === 0) return;
    if (round % 30 === 0) {
      progress.report(
        `classic queue ${queue}: waiting for ${consumerCount} consumer(s) of the previous release to stop`,
      );
    }
    await sleep(progress.pollMs ?? 1000);
  }
}

/**
 * Declares the queue as specified; 'classic' when the broker refuses that (406) but accepts the
 * arguments the classic-only releases declared it with: a classic queue of ours. The refusal
 * may name any differing argument, so the answer to the second declaration decides.
 */
async function declareAs(
  connection: ChannelModel,
  spec: QueueSpec,
  options: { judge: boolean },
): Promise<'declared' | 'classic' | 'refused'> {
  const declare = (args: Record<string, unknown>) =>
    withChannel(connection, (ch) => ch.assertQueue(spec.name, { durable: true, arguments: args }));
  try {
    await declare(spec.arguments);
    return 'declared';
  } catch (error) {
    const message = String((error as Error).message);
    if (!message.includes('PRECONDITION_FAILED')) throw error;
    if (!options.judge) return 'refused';
    const wantsQuorum = spec.arguments['x-queue-type'] === 'quorum';
    if (
      wantsQuorum &&
      (await declare(spec.classicArguments).then(
        () => true,
        () => false,
      ))
    )
      return 'classic';
    throw new Error(
      `queue ${spec.name} exists with other arguments than this release declares (${message}); ` +
        'see docs/messaging.md, "Queue types and migration"',
      { cause: error },
    );
  }
}

async function acquireLock(connection: ChannelModel, progress: MigrationProgress): Promise<Channel> {
  for (let attempt = 0; ; attempt++) {
    const ch = await connection.createChannel();
    ch.on('error', () => undefined);
    try {
      await ch.assertQueue(MIGRATION_LOCK_QUEUE, { exclusive: true, durable: false });
      return ch;
    } catch {
      // 405 RESOURCE_LOCKED: another process is migrating; the channel is closed by now.
      if (attempt % 30 === 0) progress.report('waiting for another process to finish migrating classic queues');
      await sleep(progress.pollMs ?? 1000);
    }
  }
}
