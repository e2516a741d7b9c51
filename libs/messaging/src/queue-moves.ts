import type { ChannelModel, ConfirmChannel, GetMessage, Options } from 'amqplib';
import { EVENTS_EXCHANGE } from '@klepaas/contracts';
import type { QueueSpec } from './topology';

/** Where a queue's messages wait while it is redeclared. */
export const holdingQueueOf = (queue: string) => `${queue}.migrating`;
const MOVE_BATCH = 200;

export interface MigrationProgress {
  /** Told what is happening (for logs and readiness), e.g. why it waits. */
  report(message: string): void;
  pollMs?: number;
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
export async function moveClassicQueue(
  connection: ChannelModel,
  spec: QueueSpec,
  progress: MigrationProgress,
): Promise<void> {
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
  await finishFromHolding(connection, spec, progress);
}

/**
 * The last step, also what a migration interrupted after the classic queue was deleted resumes
 * from: the queue as specified with its bindings, the holding queue unbound, moved into it and
 * deleted.
 */
export async function finishFromHolding(
  connection: ChannelModel,
  spec: QueueSpec,
  progress: MigrationProgress,
): Promise<void> {
  const holding = holdingQueueOf(spec.name);
  await withChannel(connection, async (ch) => {
    await ch.assertQueue(spec.name, { durable: true, arguments: spec.arguments });
    for (const key of spec.bindings) await ch.bindQueue(spec.name, EVENTS_EXCHANGE, key);
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

/** Whether a queue exists (a passive declaration, on a channel of its own). */
export function queueExists(connection: ChannelModel, queue: string): Promise<boolean> {
  return withChannel(connection, (ch) => ch.checkQueue(queue)).then(
    () => true,
    () => false,
  );
}

/** A channel per step: a refused operation closes its channel, never the caller's. */
export async function withChannel<T>(connection: ChannelModel, fn: (ch: ConfirmChannel) => Promise<T>): Promise<T> {
  const ch = await connection.createConfirmChannel();
  ch.on('error', () => undefined); // the failed operation's promise carries the error
  try {
    return await fn(ch);
  } finally {
    await ch.close().catch(() => undefined);
  }
}

/** Never keeps a process alive that is shutting down. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
