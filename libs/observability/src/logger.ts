import pino, { Logger } from 'pino';
import { currentCorrelationId } from './correlation';

/** Paths whose values are secrets wherever they appear in a logged object. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  'req.headers["x-ncp-apigw-signature-v2"]',
  '*.password',
  '*.secret',
  '*.secretKey',
  '*.token',
  '*.accessToken',
  '*.privateKey',
  '*.authorization',
];

export interface LoggerOptions {
  app: string;
  level?: string;
  /** Known secret values (from the configuration), scrubbed from every line whatever its shape. */
  secretValues?: string[];
  destination?: pino.DestinationStream;
}

/**
 * The one structured logger of an app: JSON lines with the app name, the correlation id of
 * the work in progress, and secrets removed both by field name and by value.
 */
export function createLogger(options: LoggerOptions): Logger {
  const scrub = secretScrubber(options.secretValues ?? []);
  return pino(
    {
      level: options.level ?? 'info',
      base: { app: options.app },
      redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' },
      mixin: () => {
        const correlationId = currentCorrelationId();
        return correlationId ? { correlationId } : {};
      },
      ...(scrub ? { hooks: { streamWrite: scrub } } : {}),
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

/** Replaces each known secret value (and its JSON-escaped form) with [REDACTED]. */
export function secretScrubber(secrets: string[]): ((line: string) => string) | undefined {
  const needles = [...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].filter(
    (s) => s.length >= 6,
  );
  if (needles.length === 0) return undefined;
  return (line) => {
    let out = line;
    for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join('[REDACTED]');
    return out;
  };
}
