import type { Response } from 'express';
import { ncpError } from '../ncp/ncp-error';
import { FaultRule, Party } from './fault-rule';

const NCP_PARTIES: Party[] = ['sourcecommit', 'sourcebuild', 'sourcedeploy', 'sourcepipeline', 'ncr'];

/**
 * Answers an injected HTTP status the way the party would: NCP's error envelope with the
 * gateway's code for that status, the registry's `errors` list, GitHub's `message` body, or
 * plain text for git and Slack. 429s carry Retry-After, as throttling services send it.
 */
export function writeFaultResponse(res: Response, party: Party, rule: FaultRule): void {
  const status = rule.status ?? 503;
  const retryAfter = rule.retryAfterSeconds ?? (status === 429 ? 1 : undefined);
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
  res.setHeader('x-sandbox-fault', rule.id);
  const reason = rule.reason ?? `injected by sandbox fault ${rule.id}`;
  res.status(status);
  if (NCP_PARTIES.includes(party)) {
    res.json(ncpError(status, reason).body());
  } else if (party === 'registry') {
    const code = status === 429 ? 'TOOMANYREQUESTS' : status === 503 ? 'UNAVAILABLE' : 'UNKNOWN';
    res.json({ errors: [{ code, message: reason }] });
  } else if (party === 'github') {
    res.json({
      message: status === 429 ? 'API rate limit exceeded' : reason,
      documentation_url: 'https://docs.github.com/rest',
      status: String(status),
    });
  } else {
    res.type('text/plain').send(status === 429 ? 'rate_limited' : reason);
  }
}
