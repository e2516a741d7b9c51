import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import type { Response } from 'express';
import { map, Observable } from 'rxjs';
import { NcpSignatureGuard } from './signature/ncp-signature.guard';

/**
 * NCP answers 200 (not Nest's 201 for POST) with the payload wrapped as `{"result": ...}`;
 * handlers return the bare payload and this wraps it, so no handler can forget.
 */
@Injectable()
export class NcpResultInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<{ result: unknown }> {
    const response = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((payload: unknown) => {
        response.status(200);
        return { result: payload };
      }),
    );
  }
}

/**
 * Marks a controller as an NCP API: signature v2 checked and, for the DevTools services,
 * results wrapped. The NCR management API answers unwrapped (`{count, next, results}`).
 */
export const NcpApi = (options: { wrapResult: boolean } = { wrapResult: true }): ClassDecorator & MethodDecorator =>
  options.wrapResult
    ? applyDecorators(UseGuards(NcpSignatureGuard), UseInterceptors(NcpResultInterceptor))
    : applyDecorators(UseGuards(NcpSignatureGuard));
