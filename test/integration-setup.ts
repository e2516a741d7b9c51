// Integration tests start real services and wait on real I/O; a test still fails fast when
// a pollUntil gives up (20 s by default), this only bounds the whole test.
jest.setTimeout(90_000);

// Services started in-process log through their own (silent) pino loggers; Nest's default
// console logger is for things created outside an app, which tests need not print.
import { Logger } from '@nestjs/common';
if (!process.env.KLEPAAS_TEST_LOG_LEVEL) Logger.overrideLogger(false);
