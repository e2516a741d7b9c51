import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { takeManifestCode } from './callback-code';

/** Puts `takeManifestCode` ahead of every other request listener of the gateway's HTTP server. */
@Injectable()
export class ManifestCodeIntake implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const server: Server | undefined = this.adapterHost.httpAdapter?.getHttpServer();
    server?.prependListener('request', takeManifestCode);
  }
}
