import { Module } from '@nestjs/common';
import { SlackController } from './slack.controller';
import { SlackMessages } from './slack.store';

/** Slack incoming-webhook sink. */
@Module({ controllers: [SlackController], providers: [SlackMessages] })
export class SlackModule {}
