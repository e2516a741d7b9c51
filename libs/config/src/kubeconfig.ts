import { readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';

/** What the services need of a kubeconfig: one API server and a service-account token. */
export interface KubeAccess {
  server: string;
  token: string;
  /** PEM of the cluster's CA (certificate-authority-data or -file); absent: the system's CAs. */
  caPem?: string;
  insecureSkipTlsVerify: boolean;
  /** Where it came from, for messages: a path, or "inline". */
  source: string;
}

const MAX_KUBECONFIG_BYTES = 1024 * 1024;

/**
 * KLEPAAS_KUBECONFIG is a path or the file's content (YAML or JSON). Content is told apart by a
 * line break or a leading `{`: a path has neither. Only a bearer token (a service account's) is
 * accepted: client certificates and exec plugins (NCP's IAM authenticator) would need files or
 * binaries the services do not have. Throws one message naming what is wrong.
 */
export function readKubeconfig(value: string): KubeAccess {
  const inline = value.includes('\n') || value.trimStart().startsWith('{');
  const source = inline ? 'inline' : value;
  const text = inline ? value : readSmallFile(value, 'the kubeconfig file');
  let doc: any;
  try {
    doc = parse(text, { maxAliasCount: 10 });
  } catch (error) {
    throw new Error(`${source} is not valid YAML: ${String((error as Error).message).split('\n')[0]}`, {
      cause: error,
    });
  }
  if (!doc || typeof doc !== 'object') throw new Error(`${source} is not a kubeconfig (no mapping)`);
  const contextName = doc['current-context'] ?? (doc.contexts?.length === 1 ? doc.contexts[0].name : undefined);
  if (!contextName) throw new Error(`${source} has no current-context`);
  const context = named(doc.contexts, contextName)?.context;
  if (!context) throw new Error(`${source}: context "${contextName}" is not defined`);
  const cluster = named(doc.clusters, context.cluster)?.cluster;
  if (!cluster?.server) throw new Error(`${source}: cluster "${context.cluster}" has no server`);
  const user = named(doc.users, context.user)?.user ?? {};
  let token: string | undefined = typeof user.token === 'string' ? user.token.trim() : undefined;
  if (!token && typeof user.tokenFile === 'string') token = readSmallFile(user.tokenFile, 'the token file').trim();
  if (!token) {
    const other = user.exec ? 'an exec plugin' : user['client-certificate-data'] ? 'a client certificate' : 'nothing';
    throw new Error(
      `${source}: user "${context.user}" holds ${other}, not a token: give a service account's token (docs/cluster.md)`,
    );
  }
  let server: URL;
  try {
    server = new URL(String(cluster.server));
    if (!['http:', 'https:'].includes(server.protocol)) throw new Error();
  } catch {
    throw new Error(`${source}: the server of cluster "${context.cluster}" is not an http(s) URL`);
  }
  let caPem: string | undefined;
  if (typeof cluster['certificate-authority-data'] === 'string') {
    caPem = Buffer.from(cluster['certificate-authority-data'], 'base64').toString('utf8');
  } else if (typeof cluster['certificate-authority'] === 'string') {
    caPem = readSmallFile(cluster['certificate-authority'], 'the cluster CA file');
  }
  return {
    server: server.toString().replace(/\/+$/, ''),
    token,
    caPem,
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    source,
  };
}

function named(list: unknown, name: unknown): any {
  return Array.isArray(list) ? list.find((entry) => entry && entry.name === name) : undefined;
}

function readSmallFile(path: string, what: string): string {
  try {
    if (statSync(path).size > MAX_KUBECONFIG_BYTES) throw new Error('larger than 1 MiB');
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`${what} ${path} cannot be read: ${(error as Error).message}`, { cause: error });
  }
}
