import { Injectable } from '@nestjs/common';
import { ResetHooks } from '../common/reset-hooks';

export interface SlackMessage {
  id: number;
  /** The webhook path after /slack (e.g. /services/T000/B000/XXX), so tests can tell hooks apart. */
  path: string;
  receivedAt: string;
  body: Record<string, unknown>;
}

/** What the Slack incoming-webhook stand-in received, oldest first. */
@Injectable()
export class SlackMessages {
  private messages: SlackMessage[] = [];
  private nextId = 1;

  constructor(resetHooks: ResetHooks) {
    resetHooks.register(() => this.clear());
  }

  record(path: string, body: Record<string, unknown>): SlackMessage {
    const message = { id: this.nextId++, path, receivedAt: new Date().toISOString(), body };
    this.messages.push(message);
    return message;
  }

  list(): SlackMessage[] {
    return this.messages;
  }

  clear(): void {
    this.messages = [];
    this.nextId = 1;
  }
}
