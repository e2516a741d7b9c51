import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { partyOf } from './fault-rule';
import { writeFaultResponse } from './fault-response';
import { FaultsService } from './faults.service';

/**
 * Runs before every route of every party (never /_sandbox), so one rule set can make any
 * outside service answer 429 or 503 before signatures or bodies are even looked at (as a
 * throttling gateway or a failing load balancer would), take its time before doing a call, or do
 * the call and then answer late or not at all: the windows where "exactly once" breaks.
 */
@Injectable()
export class FaultsMiddleware implements NestMiddleware {
  constructor(private readonly faults: FaultsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const party = partyOf(req.path);
    const rule = party && this.faults.takeHttpFault(party, req.method, req.originalUrl);
    if (!party || !rule) return next();
    res.setHeader('x-sandbox-fault', rule.id);
    switch (rule.effect) {
      case 'hold':
        setTimeout(next, rule.delayMs);
        return;
      case 'delay-answer':
        afterTheCall(res, (finish) => setTimeout(finish, rule.delayMs));
        return next();
      case 'drop-answer':
        afterTheCall(res, () => req.socket.destroy());
        return next();
      default:
        return writeFaultResponse(res, party, rule);
    }
  }
}

/**
 * Lets the call run to its end, then hands over the moment its answer would be sent: `finish`
 * sends it as it was. Express writes a JSON answer with one `end`, so holding `end` holds it all.
 */
function afterTheCall(res: Response, then: (finish: () => void) => void): void {
  const end = res.end.bind(res) as (...args: unknown[]) => Response;
  res.end = ((...args: unknown[]) => {
    then(() => end(...args));
    return res;
  }) as Response['end'];
}
