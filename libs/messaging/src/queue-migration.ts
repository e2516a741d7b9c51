import type { Channel, ChannelModel, ConfirmChannel, GetMessage, Options } from 'amqplib';
import { EVENTS_EXCHANGE } from '@klepaas/contracts';
import type { QueueSpec, QueueType } from './topology';

/** Held (an exclusive queue) by the one process migrating, so two never move the same queue. */
export const MIGRATION_LOCK_QUEUE = 'klepaas.queue-migration.lock';
export const holdingQueueOf = (queue: string) => `${queue}.migrating`;

export interface MigrationProgress {
  /** Told what is happening (for logs and readiness), e.g. why it waits. */
  report(message: string): void;
  pollMs?: number;
}

/**
 * Brings our queues to the configured type. A queue declared as classic by an earlier release
 * (the broker answers a quorum declaration with 406 "inequivalent arg 'x-queue-type'") is
 * drained and redeclared as quorum, losing no message: see moveClassicQueue. Any other
 * difference is not ours to fix here and throws. Returns the queues it migrated.
 */
export async function ensureQueueTypes(
  connection: ChannelModel,
  queues: QueueSpec[],
  type: QueueType,
  progress: MigrationProgress,
): Promise<string[]> {
  const classic: QueueSpec[] = [];
  for (const spec of queues) if ((await declareAs(connection, spec)) === 'classic') classic.push(spec);
  if (classic.length === 0) return [];
  if (type !== 'quorum') throw new Error('unreachable: a classic declaration cannot meet a classic queue');
  const lock = await acquireLock(connection, progress);
  try {
    const migrated: string[] = [];
    // Again under the lock: another process may have migrated them meanwhile.
    for (const spec of queues) {
      if ((await declareAs(connection, spec)) !== 'classic') continue;
      await moveClassicQueue(connection, spec, progress);
      migrated.push(spec.name);
    }
    return migrated;
  } finally {
    await lock.deleteQueue(MIGRATION_LOCK_QUEUE).catch(() => undefined);
    await lock.close().catch(() => undefined);
  }
}

/** Declares the queue as specified; 'classic' when it exists as a classic queue and the spec is not. */
async function declareAs(connection: ChannelModel, spec: QueueSpec): Promise<'declared' | 'classic'> {
  try {
    await withChannel(connection, (ch) => ch.assertQueue(spec.name, { durable: true, arguments: spec.arguments }));
    return 'declared';
  } catch (error) {
    const message = String((error as Error).message);
    const wantsQuorum = spec.arguments['x-queue-type'] === 'quorum';
    if (wantsQuorum && /inequivalent arg 'x-queue-type'.*current is (none|the value 'classic')/.test(message)) {
      return 'classic';
    }
    if (!message.includes('PRECONDITION_FAILED')) throw error;
    throw new Error(
      `queue ${spec.name} exists with other arguments than this release declares (${message}); ` +
        'see docs/messaging.md, "Queue types and migration"',
      { cause: error },
    );
  }
}

/**
 * Drain, then redeclare. 1: a quorum holding queue takes the classic queue's bindings, so
 * publishers go on publishing there. 2: once no consumer of the previous release is left on
 * the classic queue, what it holds is moved to the holding queue and it is deleted (only if
 * empty and unused: the broker checks). 3: the queue is declared as quorum with its bindings,
 * and the holding queue is moved into it and deleted. Each step is safe to repeat after a crash.
 */
async function moveClassicQueue(connection: ChannelModel, spec: QueueSpec, progress: MigrationProgress): Promise<void> {
  const holding = holdingQueueOf(spec.name);
  const pollMs = progress.pollMs ?? 1000;
  await withChannel(connection, async (ch) => {
    await ch.assertQueue(holding, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    for (const key of spec.bindings) await ch.bindQueue(holding, EVENTS_EXCHANGE, key);
    for (const key of spec.bindings) await ch.unbindQueue(spec.name, EVENTS_EXCHANGE, key);
  });
  for (let round = 0; ; round++) {
    const moved = await moveAll(connection, spec.name, holding);
    const { consumerCount } = await withChannel(connection, (ch) => ch.checkQueue(spec.name));
    if (consumerCount > 0) {
      if (round % 30 === 0) {
        progress.report(
          `classic queue ${spec.name}: waiting for ${consumerCount} consumer(s) of the previous release to stop ` +
            `(moved ${moved} message(s) so far)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      continue;
    }
    const deleted = await withChannel(connection, (ch) =>
      ch.deleteQueue(spec.name, { ifEmpty: true, ifUnused: true }),
    ).then(
      () => true,
      () => false, // a message or a consumer arrived since: go round again
    );
    if (deleted) break;
  }
  await withChannel(connection, async (ch) => {
    await ch.assertQueue(spec.name, { durable: true, arguments: spec.arguments });
    for (const key of spec.bindings) await ch.bindQueue(spec.name, EVENTS_EXCHANGE, key);
    for (const key of spec.bindings) await ch.unbindQueue(holding, EVENTS_EXCHANGE, key);
  });
  for (;;) {
    const moved = await moveAll(connection, holding, spec.name);
    const deleted = await withChannel(connection, (ch) => ch.deleteQueue(holding, { ifEmpty: true })).then(
      () => true,
      () => false,
    );
    if (deleted) {
      progress.report(`queue ${spec.name} is now a quorum queue (${moved} message(s) moved back)`);
      return;
    }
  }
}

/** Moves every ready message of `from` into `to`, each confirmed by the broker before its ack. */
async function moveAll(connection: ChannelModel, from: string, to: string): Promise<number> {
  return withChannel(connection, async (ch) => {
    let unroutable = false;
    ch.on('return', () => (unroutable = true));
    let moved = 0;
    for (let message = await ch.get(from); message; message = await ch.get(from)) {
      await publish(ch, to, message);
      if (unroutable) throw new Error(`queue ${to} vanished while moving messages into it`);
      ch.ack(message);
      moved++;
    }
    return moved;
  });
}

function publish(ch: ConfirmChannel, queue: string, message: GetMessage): Promise<void> {
  const p = message.properties;
  const options: Options.Publish = {
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
  return new Promise((resolve, reject) =>
    ch.publish('', queue, message.content, options, (error) => (error ? reject(error) : resolve())),
  );
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
      await new Promise((resolve) => setTimeout(resolve, progress.pollMs ?? 1000));
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
