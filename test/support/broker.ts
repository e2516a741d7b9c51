import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import amqp from 'amqplib';

const run = promisify(execFile);

export interface BrokerQueue {
  name: string;
  type: 'classic' | 'quorum' | 'stream';
  arguments: Record<string, unknown>;
  messages: number;
  consumers: number;
}

/**
 * The queues of a vhost as the broker itself reports them (rabbitmqctl, not our own code), so
 * a test checks what was really declared.
 */
export async function listQueues(vhost: string, node?: string): Promise<BrokerQueue[]> {
  const args = [...(node ? ['-n', node] : []), 'list_queues', '-p', vhost];
  const { stdout } = await run(
    'rabbitmqctl',
    [...args, 'name', 'type', 'arguments', 'messages', 'consumers', '--formatter', 'json'],
    { timeout: 30_000 },
  );
  const rows: Array<{ name: string; type: string; arguments: Array<[string, string, unknown]> }> = JSON.parse(stdout);
  return rows
    .map((r) => ({ ...r, arguments: Object.fromEntries(r.arguments.map(([k, , v]) => [k, v])) }) as BrokerQueue)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface DrainedMessage {
  body: any;
  headers: Record<string, any>;
}

/** Takes every ready message out of a queue (acked), parsed as JSON when it is. */
export async function drainQueue(url: string, queue: string): Promise<DrainedMessage[]> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount === 0) return [];
    // A consumer rather than one basic.get per message (a thousand gets from a quorum queue take
    // seconds), acking on delivery: explicit acks just before a close may not be settled and
    // come back as redeliveries.
    const messages: DrainedMessage[] = [];
    let enough!: () => void;
    const done = new Promise<void>((resolve) => (enough = resolve));
    const { consumerTag } = await channel.consume(
      queue,
      (m) => {
        if (!m) return;
        messages.push({ body: parse(m.content.toString('utf8')), headers: m.properties.headers ?? {} });
        if (messages.length >= messageCount) enough();
      },
      { noAck: true },
    );
    await done;
    await channel.cancel(consumerTag); // whatever arrived until then is in `messages` too
    await channel.close();
    return messages;
  } finally {
    await connection.close();
  }
}

function parse(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return text; // not JSON: kept as text
  }
}

/** Publishes raw bytes to a queue (default exchange) or an exchange, confirmed. */
export async function publishRaw(
  url: string,
  messages: Array<{ exchange?: string; routingKey: string; body: unknown; headers?: Record<string, unknown> }>,
): Promise<void> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createConfirmChannel();
    for (const m of messages) {
      const content = Buffer.from(typeof m.body === 'string' ? m.body : JSON.stringify(m.body));
      channel.publish(m.exchange ?? '', m.routingKey, content, { persistent: true, headers: m.headers });
    }
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await connection.close();
  }
}
