import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { partyOf } from './fault-rule';
import { writeFaultResponse } from './fault-response';
import { FaultsService } from './faults.service';

/**
 * Runs before every route of every party (never /_sandbox), so one rule set can make any
 * outside service answer 429 or 503 before signatures or bodies are even looked at, as a
 * throttling gateway or a failing load balancer would.
 */
@Injectable()
export class FaultsMiddleware implements NestMiddleware {
  constructor(private readonly faults: FaultsService) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const party = partyOf(req.path);
    const rule = party && this.faults.takeHttpFault(party, req.method, req.originalUrl);
    if (party && rule) return writeFaultResponse(res, party, rule);
    next();
  }
}
