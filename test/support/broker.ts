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
    const messages: DrainedMessage[] = [];
    for (let m = await channel.get(queue); m; m = await channel.get(queue)) {
      let body: any = m.content.toString('utf8');
      try {
        body = JSON.parse(body);
      } catch {
        // not JSON: kept as text
      }
      messages.push({ body, headers: m.properties.headers ?? {} });
      channel.ack(m);
    }
    await channel.close();
    return messages;
  } finally {
    await connection.close();
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
