import type { ModuleMetadata } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { json, type NextFunction, type Request, type Response } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { generateKeyPair } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ResolvedSandboxOptions, SANDBOX_DEFAULTS, SandboxOptions } from './config/sandbox-options';
import { SandboxModule } from './sandbox.module';

export interface RunningSandbox {
  /** http://127.0.0.1:<port> (or the configured public URL). */
  url: string;
  port: number;
  options: ResolvedSandboxOptions;
  close(): Promise<void>;
}

/**
 * Starts the sandbox in this process and resolves once it listens: `npm start` runs it through
 * main.ts, and tests of the whole system start it here with `{ port: 0 }`. `close()` stops every
 * job and git process, closes the server, and removes the data dir if it made it.
 */
export interface SandboxExtras {
  /** Nest modules to run in the same app (main.ts adds health and metrics this way). */
  imports?: NonNullable<ModuleMetadata['imports']>;
}

export async function startSandbox(
  overrides: Partial<SandboxOptions> = {},
  extras: SandboxExtras = {},
): Promise<RunningSandbox> {
  const options: SandboxOptions = { ...SANDBOX_DEFAULTS, ...withoutUndefined(overrides) };
  const ownsDataDir = !options.dataDir;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'klepaas-sandbox-')));
  // Key generation runs on the thread pool while Nest builds the app; it is in place before listen.
  const appKey = options.githubAppPrivateKey ? Promise.resolve(options.githubAppPrivateKey) : generateAppKey();
  try {
    await Promise.all([
      mkdir(join(dataDir, 'sourcecommit'), { recursive: true }),
      mkdir(join(dataDir, 'github'), { recursive: true }),
    ]);
    const resolved: ResolvedSandboxOptions = {
      ...options,
      dataDir,
      githubAppPrivateKey: '',
      publicUrl: options.publicUrl ?? '',
    };
    // abortOnError false: a failing start must reject here, not exit the test runner's process.
    const app = await NestFactory.create<NestExpressApplication>(SandboxModule.forRoot(resolved, extras.imports), {
      logger: options.logger,
      abortOnError: false,
    });
    app.disable('x-powered-by');
    // The Kubernetes API emulation takes JSON merge patches (a rollout restart). Wrapped: Nest
    // skips its own JSON parser when it finds a middleware named jsonParser already in place.
    const mergePatchBody = json({ type: 'application/merge-patch+json', limit: '1mb' });
    app.use('/kube', (req: Request, res: Response, next: NextFunction) => mergePatchBody(req, res, next));
    resolved.githubAppPrivateKey = await appKey;
    await app.listen(options.port, options.host);
    const server = app.getHttpServer() as Server;
    resolved.port = (server.address() as AddressInfo).port;
    if (!options.publicUrl)
      resolved.publicUrl = `http://${isAnyAddress(options.host) ? '127.0.0.1' : options.host}:${resolved.port}`;
    let closing: Promise<void> | undefined;
    return {
      url: resolved.publicUrl.replace(/\/+$/, ''),
      port: resolved.port,
      options: resolved,
      close: () =>
        (closing ??= (async () => {
          const closed = app.close();
          server.closeAllConnections();
          await closed;
          if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
        })()),
    };
  } catch (error) {
    await appKey.catch(() => undefined);
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
}

/** A fresh GitHub App key (PKCS#1 PEM, as GitHub issues them) when none is configured. */
async function generateAppKey(): Promise<string> {
  const { privateKey } = await promisify(generateKeyPair)('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return privateKey;
}

function isAnyAddress(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
