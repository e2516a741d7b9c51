import pino, { Logger } from 'pino';
import { currentCorrelationId } from './correlation';

/** Request headers that carry credentials (the request logger's `req` is serialised, then redacted). */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
  'req.headers["x-ncp-apigw-signature-v2"]',
];

/** Field names whose values are secrets at any depth of a logged object (compared in lower case). */
const SECRET_FIELDS = new Set([
  'password',
  'secret',
  'secretkey',
  'token',
  'accesstoken',
  'privatekey',
  'authorization',
  'cookie',
  'webhooksecret',
  'x-hub-signature-256',
  'x-hub-signature',
  'x-ncp-apigw-signature-v2',
]);
const CENSOR = '[REDACTED]';
/** Deeper than this, a logged object is cut: nothing useful lives that deep, and cycles end here. */
const MAX_DEPTH = 12;

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
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      formatters: { log: (object) => redactSecretFields(object) as Record<string, unknown> },
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

/**
 * A copy of a logged object with every secret-named field replaced, however deep it sits in
 * plain objects and arrays. Other objects (errors, requests) are left to their serialisers; the
 * value scrubber below still catches known secrets in whatever they print.
 */
export function redactSecretFields(value: unknown, depth = 0): unknown {
  if (Array.isArray(value))
    return depth >= MAX_DEPTH ? '[too deep]' : value.map((v) => redactSecretFields(v, depth + 1));
  if (!isPlainObject(value)) return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = SECRET_FIELDS.has(key.toLowerCase()) ? CENSOR : redactSecretFields(field, depth + 1);
  }
  return copy;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
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
