import * as net from 'node:net';
import { sweepStaleInfra, TEST_POSTGRES_URL, TEST_RABBITMQ_URL } from '../libs/testing/src/infra';

/**
 * Integration tests need the real PostgreSQL and RabbitMQ. Stop at once, saying how to start
 * them, instead of letting every test time out one by one.
 */
export default async function globalSetup(): Promise<void> {
  const missing: string[] = [];
  for (const [name, url, start] of [
    [
      'PostgreSQL',
      TEST_POSTGRES_URL,
      'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start   (or: docker compose up -d postgres)',
    ],
    ['RabbitMQ', TEST_RABBITMQ_URL, 'rabbitmq-server -detached   (or: docker compose up -d rabbitmq)'],
  ] as const) {
    const { hostname, port } = new URL(url);
    const defaultPort = name === 'PostgreSQL' ? 5432 : 5672;
    if (!(await answers(hostname, Number(port) || defaultPort)))
      missing.push(`${name} does not answer at ${hostname}:${port || defaultPort}. Start it with: ${start}`);
  }
  if (missing.length) throw new Error(`Integration tests need PostgreSQL and RabbitMQ.\n${missing.join('\n')}`);
  await sweepStaleInfra();
}

function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
    socket.once('error', () => resolve(false));
  });
}
