import type { Channel, ChannelModel, ConfirmChannel, GetMessage, Options } from 'amqplib';
import { EVENTS_EXCHANGE } from '@klepaas/contracts';
import type { QueueSpec } from './topology';

/** Held (an exclusive queue) by the one process migrating, so two never move the same queue. */
export const MIGRATION_LOCK_QUEUE = 'klepaas.queue-migration.lock';
export const holdingQueueOf = (queue: string) => `${queue}.migrating`;
const MOVE_BATCH = 200;

export interface MigrationProgress {
  /** Told what is happening (for logs and readiness), e.g. why it waits. */
  report(message: string): void;
  pollMs?: number;
}

/**
 * Declares our queues as specified. A queue an earlier release declared as classic (the broker
 * refuses the quorum declaration with 406 and accepts the classic one) is drained and
 * redeclared as quorum, losing no message: see moveClassicQueue. Any other difference is not
 * ours to fix here and throws. Returns the queues it migrated.
 */
export async function ensureQueueTypes(
  connection: ChannelModel,
  sets: QueueSpec[][],
  progress: MigrationProgress,
): Promise<string[]> {
  // Without the lock first: on a migrated (or new) installation every declaration succeeds.
  let refused = false;
  for (const spec of sets.flat()) {
    refused = (await declareAs(connection, spec, { judge: false })) === 'refused' || refused;
  }
  if (!refused) return [];
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
  const classic: QueueSpec[] = [];
  // Judged under the lock only: another process may be migrating them until we hold it.
  for (const spec of set) if ((await declareAs(connection, spec, { judge: true })) === 'classic') classic.push(spec);
  if (classic.length === 0) return [];
  // The main queue's consumers publish retries and parks into the set by queue name: none of
  // the previous release may be left while one of its queues is briefly absent.
  const main = set.find((spec) => spec.role === 'main');
  if (main) await waitUntilUnused(connection, main.name, progress);
  for (const spec of classic) await moveClassicQueue(connection, spec, progress);
  return classic.map((spec) => spec.name);
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

/**
 * Drain, then redeclare. A queue that is empty, unused and unbound (a retry tier, a dead-letter
 * queue) is simply deleted and declared again. Otherwise: 1: a quorum holding queue takes the
 * classic queue's bindings, so publishers go on publishing there. 2: what the classic queue
 * holds is moved to the holding queue (each message confirmed before its ack) until it is
 * empty with no consumer left, and it is deleted (only so: the broker checks). 3: the queue is
 * declared as quorum with its bindings, the holding queue is moved into it and deleted. Each
 * step is safe to repeat after a crash.
 */
async function moveClassicQueue(connection: ChannelModel, spec: QueueSpec, progress: MigrationProgress): Promise<void> {
  const declare = () =>
    withChannel(connection, async (ch) => {
      await ch.assertQueue(spec.name, { durable: true, arguments: spec.arguments });
      for (const key of spec.bindings) await ch.bindQueue(spec.name, EVENTS_EXCHANGE, key);
    });
  if (spec.bindings.length === 0 && (await deleteIfEmptyAndUnused(connection, spec.name))) {
    await declare();
    progress.report(`queue ${spec.name} is now a quorum queue (it was empty)`);
    return;
  }
  const holding = holdingQueueOf(spec.name);
  await withChannel(connection, async (ch) => {
    await ch.assertQueue(holding, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (const key of spec.bindings) await ch.bindQueue(holding, EVENTS_EXCHANGE, key);
    for (const key of spec.bindings) await ch.unbindQueue(spec.name, EVENTS_EXCHANGE, key);
  });
  for (;;) {
    await moveAll(connection, spec.name, holding);
    if (await deleteIfEmptyAndUnused(connection, spec.name)) break;
    // A consumer (a parked-message collector of the previous release) or a message arrived.
    await sleep(progress.pollMs ?? 1000);
  }
  await declare();
  await withChannel(connection, async (ch) => {
    for (const key of spec.bindings) await ch.unbindQueue(holding, EVENTS_EXCHANGE, key);
  });
  // Nothing routes to the holding queue any more (unbound, and only a migrator, holding the
  // lock, sends to it by name), so once moved and seen empty it can go. Quorum queues refuse
  // if-empty deletes (540, which closes the connection), hence the explicit check.
  let moved = 0;
  for (;;) {
    moved += await moveAll(connection, holding, spec.name);
    const { messageCount } = await withChannel(connection, (ch) => ch.checkQueue(holding));
    if (messageCount === 0) break;
  }
  await withChannel(connection, (ch) => ch.deleteQueue(holding));
  progress.report(`queue ${spec.name} is now a quorum queue (${moved} message(s) moved back)`);
}

/** Classic queues only: quorum queues refuse if-empty deletes with 540, closing the connection. */
function deleteIfEmptyAndUnused(connection: ChannelModel, queue: string): Promise<boolean> {
  return withChannel(connection, (ch) => ch.deleteQueue(queue, { ifEmpty: true, ifUnused: true })).then(
    () => true,
    () => false,
  );
}

/**
 * Moves every ready message of `from` into `to`, in batches: a batch is acked in `from` only
 * once the broker has confirmed all of it in `to` (a crash in between leaves copies, never gaps).
 */
async function moveAll(connection: ChannelModel, from: string, to: string): Promise<number> {
  return withChannel(connection, async (ch) => {
    let unroutable = false;
    ch.on('return', () => (unroutable = true));
    let moved = 0;
    for (;;) {
      const batch: GetMessage[] = [];
      for (let m = await ch.get(from); m; m = batch.length < MOVE_BATCH ? await ch.get(from) : false) batch.push(m);
      if (batch.length === 0) return moved;
      for (const message of batch) ch.publish('', to, message.content, republishOptions(message));
      await ch.waitForConfirms();
      if (unroutable) throw new Error(`queue ${to} vanished while moving messages into it`);
      ch.ack(batch[batch.length - 1], true);
      moved += batch.length;
    }
  });
}

function republishOptions(message: GetMessage): Options.Publish {
  const p = message.properties;
  return {
    mandatory: true,
    persistent: true,
    contentType: p.contentType,
    contentEncoding: p.contentEncoding,
    headers: p.headers,
    priority: p.priority,
    correlationId: p.correlationId,
    replyTo: p.replyTo,
    expiration: p.expiration,
    messageId: p.messageId,
    timestamp: p.timestamp,
    type: p.type,
    appId: p.appId,
  };
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

/** A channel per step: a refused operation closes its channel, never the caller's. */
async function withChannel<T>(connection: ChannelModel, fn: (ch: ConfirmChannel) => Promise<T>): Promise<T> {
  const ch = await connection.createConfirmChannel();
  ch.on('error', () => undefined); // the failed operation's promise carries the error
  try {
    return await fn(ch);
  } finally {
    await ch.close().catch(() => undefined);
  }
}

/** Never keeps a process alive that is shutting down. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
