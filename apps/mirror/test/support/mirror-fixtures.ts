import { randomBytes, randomUUID } from 'node:crypto';
import amqp from 'amqplib';
import { EVENTS_EXCHANGE, EventEnvelope, Events, MirrorRequestedPayload } from '@klepaas/contracts';
import { SourceCommitClient } from '@klepaas/ncp';
import type { RunningSandbox } from '../../../sandbox/src/start-sandbox';
import { GitAuth, pushFiles } from '../../../sandbox/test/support/git';
import { TARGET } from './manifests';

export const unique = (prefix: string): string => `${prefix}-${randomBytes(3).toString('hex')}`;

/** The environment that points the mirror at an in-process sandbox, with its credentials. */
export function mirrorEnv(sandbox: RunningSandbox): Record<string, string> {
  const o = sandbox.options;
  return {
    KLEPAAS_SANDBOX_URL: sandbox.url,
    KLEPAAS_NCP_ACCESS_KEY: o.ncpAccessKey,
    KLEPAAS_NCP_SECRET_KEY: o.ncpSecretKey,
    KLEPAAS_NCP_SOURCECOMMIT_USERNAME: o.sourceCommitUsername,
    KLEPAAS_NCP_SOURCECOMMIT_PASSWORD: o.sourceCommitPassword,
    KLEPAAS_GITHUB_APP_ID: o.githubAppId,
    KLEPAAS_GITHUB_APP_PRIVATE_KEY: o.githubAppPrivateKey,
  };
}

export interface GithubRepo {
  owner: string;
  repo: string;
  installationId: number;
  cloneUrl: string;
  head: string;
}

/** A repository on the sandbox's GitHub, covered by an installation of the App, holding `files`. */
export async function githubRepoWith(sandbox: RunningSandbox, files: Record<string, string>): Promise<GithubRepo> {
  const owner = unique('acme');
  const response = await fetch(`${sandbox.url}/_sandbox/github/repos`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ owner, name: 'web', installationId: 70000 + Math.floor(Math.random() * 9000) }),
  });
  if (response.status !== 201) throw new Error(`creating a GitHub repo answered ${response.status}`);
  const created: any = await response.json();
  const head = await pushFiles(created.cloneUrl, githubAdmin(sandbox), 'main', files, 'feat: the app');
  return { owner, repo: 'web', installationId: created.installationId, cloneUrl: created.cloneUrl, head };
}

export function githubAdmin(sandbox: RunningSandbox): GitAuth {
  return { username: 'x-access-token', password: sandbox.options.githubAdminToken };
}

export function sourceCommitAuth(sandbox: RunningSandbox): GitAuth {
  return { username: sandbox.options.sourceCommitUsername, password: sandbox.options.sourceCommitPassword };
}

/** A new, empty SourceCommit repository made with the real NCP client; returns its name and clone URL. */
export async function sourceCommitRepo(sandbox: RunningSandbox): Promise<{ name: string; url: string }> {
  const client = new SourceCommitClient({
    endpoint: `${sandbox.url}/ncp/sourcecommit`,
    accessKey: sandbox.options.ncpAccessKey,
    secretKey: sandbox.options.ncpSecretKey,
  });
  try {
    const name = unique('sc');
    await client.createRepository({ name });
    const detail = await client.getRepository(name);
    return { name, url: detail.git!.https! };
  } finally {
    await client.close();
  }
}

/** What the runner would send for this repository's head. */
export function mirrorRequest(
  sandbox: RunningSandbox,
  github: GithubRepo,
  target: string,
  overrides: Partial<MirrorRequestedPayload> = {},
): MirrorRequestedPayload {
  const sha = overrides.source?.commitSha ?? github.head;
  return {
    runId: randomUUID(),
    projectId: randomUUID(),
    attempt: 1,
    sequence: 1,
    source: { owner: github.owner, repo: github.repo, commitSha: sha, installationId: github.installationId },
    target: { repository: target, branch: 'main' },
    image: `127.0.0.1:${sandbox.port}/acme-web:${sha.slice(0, 7)}`,
    replicas: TARGET.replicas,
    namespace: TARGET.namespace,
    containerPort: TARGET.containerPort,
    appName: TARGET.appName,
    ...overrides,
  };
}

/**
 * Listens for the mirror's answers on a queue of the test's own in the test's vhost, bound to
 * MirrorCompleted and MirrorFailed, as the runner's queue would be.
 */
export class MirrorAnswers {
  readonly received: EventEnvelope<string, any>[] = [];

  private constructor(private readonly connection: amqp.ChannelModel) {}

  static async listen(rabbitmqUrl: string): Promise<MirrorAnswers> {
    const connection = await amqp.connect(rabbitmqUrl);
    const answers = new MirrorAnswers(connection);
    const channel = await connection.createChannel();
    await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true });
    for (const event of [Events.MirrorCompleted.name, Events.MirrorFailed.name]) {
      await channel.bindQueue(queue, EVENTS_EXCHANGE, event);
    }
    await channel.consume(
      queue,
      (message) => {
        if (message) answers.received.push(JSON.parse(message.content.toString('utf8')).data);
      },
      { noAck: true },
    );
    return answers;
  }

  for(runId: string): EventEnvelope<string, any>[] {
    return this.received.filter((e) => e.payload.runId === runId);
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
