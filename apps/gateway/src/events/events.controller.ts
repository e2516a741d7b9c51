import {
  BadRequestException,
  Controller,
  Get,
  HttpException,
  HttpStatus,
  Inject,
  NotFoundException,
  Query,
  Req,
  Res,
  ServiceUnavailableException,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { BearerAuthGuard, CurrentPrincipal, Principal } from '@klepaas/auth';
import { KLEPAAS_CONFIG, KlepaasConfig } from '@klepaas/config';
import type { EventEnvelope } from '@klepaas/contracts';
import { withTimeout } from '@klepaas/observability';
import { ProjectViews } from '../projects/project-views';
import { RunViews } from '../runs/run-views';
import { EventStream, STREAMED_EVENTS } from './event-stream';

export const HEARTBEAT_MS = 15_000;
/** A client this far behind is cut off (it reconnects and reads what it missed over REST). */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** setTimeout's longest delay (about 24.8 days); a token living longer is re-checked on reconnect. */
const MAX_TIMER_MS = 2 ** 31 - 1;

@ApiTags('events')
@ApiBearerAuth()
@UseGuards(BearerAuthGuard)
@Controller('api/v1/events')
export class EventsController {
  constructor(
    private readonly stream: EventStream,
    private readonly projects: ProjectViews,
    private readonly runs: RunViews,
    @Inject(KLEPAAS_CONFIG) private readonly config: KlepaasConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: "Live server-sent events of the caller's runs (event: <type>, id: <event id>, data: <envelope JSON>)",
    description:
      `Streams ${STREAMED_EVENTS.join(', ')} as they happen, for the caller's projects only, narrowed by ` +
      `projectId and runId. A comment line every ${HEARTBEAT_MS / 1000} s keeps the connection open. Nothing is ` +
      'replayed: read what happened before the stream opened from GET /api/v1/runs/{id}. EventSource, which ' +
      'cannot send headers, may pass the token as ?access_token= instead. The stream ends when the token ' +
      'expires; each user may hold a limited number of streams open at once (429 beyond it).',
  })
  @ApiProduces('text/event-stream')
  @ApiQuery({ name: 'projectId', required: false, description: "only this project's events" })
  @ApiQuery({ name: 'runId', required: false, description: "only this run's events" })
  @ApiQuery({ name: 'access_token', required: false, description: 'the bearer token, for EventSource clients' })
  @ApiResponse({ status: 200, description: 'the stream (text/event-stream), until the client leaves' })
  @ApiResponse({ status: 400, description: 'projectId or runId is not a UUID' })
  @ApiResponse({ status: 404, description: "the project or run is unknown, or another user's" })
  @ApiResponse({
    status: 429,
    description: 'the caller already holds as many streams as a user may (KLEPAAS_EVENT_STREAMS_PER_USER)',
  })
  @ApiResponse({ status: 503, description: 'the broker is unreachable, so there is nothing live to stream' })
  async open(
    @CurrentPrincipal() caller: Principal,
    @Req() req: Request,
    @Res() res: Response,
    @Query('projectId') projectId?: string,
    @Query('runId') runId?: string,
  ): Promise<void> {
    const slot = this.stream.reserve(caller.userId, this.config.eventStreamsPerUser);
    if (!slot) {
      throw new HttpException(
        `you already have ${this.config.eventStreamsPerUser} live event streams open; close one first`,
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    try {
      await this.checkFilters(caller, projectId, runId);
      await withTimeout(this.stream.ready(), 5000, 'the live event subscription').catch(() => {
        throw new ServiceUnavailableException('live events are unavailable: the broker does not answer; try again');
      });
    } catch (error) {
      slot();
      throw error;
    }
    const release: () => void = slot;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': connected\n\n');

    const unsubscribe = this.stream.subscribe({
      ownerId: caller.userId,
      ...(projectId ? { projectId } : {}),
      ...(runId ? { runId } : {}),
      send: (envelope) => write(formatEvent(envelope)),
      close: () => close(),
    });
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), HEARTBEAT_MS);
    // The token's word lasts until it expires: then the stream ends, and a reconnect needs a fresh token.
    const expiry = setTimeout(
      () => {
        write(': token expired\n\n');
        close();
      },
      Math.min(Math.max(caller.expiresAt - Date.now(), 0), MAX_TIMER_MS),
    );
    res.on('close', close);

    function write(text: string): void {
      if (res.writableEnded) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) return close();
      res.write(text);
    }
    function close(): void {
      clearInterval(heartbeat);
      clearTimeout(expiry);
      unsubscribe();
      release();
      if (!res.writableEnded) res.end();
    }
  }

  /** Filters name the caller's own project or run (another user's answers 404, as a missing one does). */
  private async checkFilters(caller: Principal, projectId?: string, runId?: string): Promise<void> {
    const bad = [
      ...(projectId !== undefined && !UUID.test(projectId) ? ['projectId: must be a UUID'] : []),
      ...(runId !== undefined && !UUID.test(runId) ? ['runId: must be a UUID'] : []),
    ];
    if (bad.length) throw new BadRequestException(bad);
    if (projectId && !(await this.projects.find(projectId, caller.userId))) {
      throw new NotFoundException(`project ${projectId} not found`);
    }
    if (runId) {
      const run = await this.runs.find(runId, caller.userId);
      if (!run || (projectId && run.projectId !== projectId)) throw new NotFoundException(`run ${runId} not found`);
    }
  }
}

/** One server-sent event: its type, the envelope id (as the event id), and the envelope on one line. */
export function formatEvent(envelope: EventEnvelope): string {
  return `event: ${envelope.type}\nid: ${envelope.id}\ndata: ${JSON.stringify(envelope)}\n\n`;
}
