import { Controller, Delete, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { SlackMessage, SlackMessages } from './slack.store';

/**
 * Slack incoming webhooks: any POST under /slack/ is recorded. Answers like Slack: `ok` as
 * text, `invalid_payload` (400) for a body that is not a JSON object, `no_text` (400) when
 * neither text, blocks nor attachments are given.
 */
@Controller()
export class SlackController {
  constructor(private readonly messages: SlackMessages) {}

  @Post('slack/*path')
  receive(@Req() req: Request, @Res() res: Response): void {
    const body = payloadOf(req);
    if (!body) return void res.status(400).type('text/plain').send('invalid_payload');
    if (!body.text && !body.blocks && !body.attachments) return void res.status(400).type('text/plain').send('no_text');
    this.messages.record(req.path.slice('/slack'.length), body);
    res.status(200).type('text/plain').send('ok');
  }

  @Get('_sandbox/slack/messages')
  list(): { messages: SlackMessage[] } {
    return { messages: this.messages.list() };
  }

  @Delete('_sandbox/slack/messages')
  @HttpCode(204)
  clear(): void {
    this.messages.clear();
  }
}

/** JSON bodies, or the form-encoded `payload=<json>` Slack also accepts. */
function payloadOf(req: Request): Record<string, unknown> | undefined {
  let body: unknown = req.body;
  if (body && typeof body === 'object' && typeof (body as { payload?: unknown }).payload === 'string') {
    try {
      body = JSON.parse((body as { payload: string }).payload);
    } catch {
      return undefined;
    }
  }
  return body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length
    ? (body as Record<string, unknown>)
    : undefined;
}
