import { execFile } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SCRIPT = path.join(__dirname, '../../scripts/rabbitmq-cluster.sh');
/** Test clusters are named kt<pid of the test process>, so leftovers of a crashed run can be found. */
const TEST_NAME = /^kt(\d+)$/;

/**
 * A three-node RabbitMQ cluster of this test's own (scripts/rabbitmq-cluster.sh), beside the
 * machine's broker, which it never touches. Free ports are picked, so runs can overlap.
 */
export class LocalRabbitCluster {
  private constructor(
    readonly name: string,
    readonly basePort: number,
    readonly size: number,
  ) {}

  static async start(size = 3): Promise<LocalRabbitCluster> {
    await sweepLeftoverClusters();
    const cluster = new LocalRabbitCluster(`kt${process.pid}`, await freePortRange(size), size);
    await cluster.script('start');
    return cluster;
  }

  /** One AMQP URL per node, in node order. */
  get urls(): string[] {
    return Array.from({ length: this.size }, (_, i) => `amqp://guest:guest@127.0.0.1:${this.basePort + i}`);
  }

  nodeName(i: number): string {
    return `${this.name}-${i}@localhost`;
  }

  stopNode(i: number): Promise<string> {
    return this.script('stop-node', String(i));
  }

  /** SIGKILL: a crash, no goodbye to clients or peers. */
  killNode(i: number): Promise<string> {
    return this.script('kill-node', String(i));
  }

  startNode(i: number): Promise<string> {
    return this.script('start-node', String(i));
  }

  stop(): Promise<string> {
    return this.script('stop');
  }

  /**
   * Raises (or clears) a memory alarm on node i: the whole cluster then blocks every publishing
   * connection, which stays open and confirms nothing until the alarm clears.
   */
  async memoryAlarm(i: number, on: boolean): Promise<void> {
    // A watermark far below what the node uses trips the alarm at once; 0.4 is the default.
    await run('rabbitmqctl', ['-n', this.nodeName(i), 'set_vm_memory_high_watermark', on ? '0.00001' : '0.4'], {
      timeout: 60_000,
    });
  }

  /** Which node leads each quorum queue, and how many messages each holds, asked of a running node. */
  async queues(askNode: number): Promise<Array<{ name: string; leader: string; messages: number }>> {
    const { stdout } = await run(
      'rabbitmqctl',
      ['-n', this.nodeName(askNode), 'list_queues', 'name', 'leader', 'messages', '--formatter', 'json'],
      { timeout: 60_000 },
    );
    return JSON.parse(stdout);
  }

  /** The node (1-based) leading a queue. */
  async leaderOf(queue: string, askNode: number): Promise<number> {
    const leader = (await this.queues(askNode)).find((q) => q.name === queue)?.leader;
    const index = Array.from({ length: this.size }, (_, i) => this.nodeName(i + 1)).indexOf(leader ?? '');
    if (index < 0) throw new Error(`no node leads ${queue} (${leader})`);
    return index + 1;
  }

  private async script(...args: string[]): Promise<string> {
    const env = {
      ...process.env,
      KLEPAAS_CLUSTER_NAME: this.name,
      KLEPAAS_CLUSTER_PORT: String(this.basePort),
      KLEPAAS_CLUSTER_NODES: String(this.size),
    };
    const { stdout } = await run(SCRIPT, args, { env, timeout: 180_000 });
    return stdout.trim();
  }
}

/** Stops the clusters of test processes that no longer exist (a crashed or killed run). */
async function sweepLeftoverClusters(): Promise<void> {
  const { stdout } = await run('epmd', ['-names']).catch(() => ({ stdout: '' }));
  const names = new Set(
    [...stdout.matchAll(/^name (\S+)-\d+ at port/gm)].map((m) => m[1]).filter((n) => TEST_NAME.test(n)),
  );
  for (const name of names) {
    const pid = Number(TEST_NAME.exec(name)![1]);
    if (pid === process.pid || isAlive(pid)) continue;
    await run(SCRIPT, ['stop'], { env: { ...process.env, KLEPAAS_CLUSTER_NAME: name }, timeout: 120_000 }).catch(
      () => undefined,
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A first AMQP port such that it, the next ones, and their distribution ports (+20000) are free. */
async function freePortRange(size: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 30_000 + Math.floor(Math.random() * 14_000);
    const ports = Array.from({ length: size }, (_, i) => [base + i, base + i + 20_000]).flat();
    if ((await Promise.all(ports.map(isFree))).every(Boolean)) return base;
  }
  throw new Error('no free port range for a test cluster');
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
