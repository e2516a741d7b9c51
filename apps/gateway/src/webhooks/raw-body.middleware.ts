import type { ErrorRequestHandler, RequestHandler } from 'express';
import { raw } from 'express';

/**
 * Webhook routes read their body as raw bytes (the signature covers the exact bytes), of any
 * content type, up to the cap; a body over the cap is answered 413 in our error shape.
 */
export function webhookBodyReader(maxBytes: number): Array<RequestHandler | ErrorRequestHandler> {
  const tooLarge: ErrorRequestHandler = (error, _req, res, next) => {
    const status = (error as { status?: number }).status;
    if (status === 413) {
      res.status(413).json({ statusCode: 413, error: 'Payload Too Large', message: `body is over ${maxBytes} bytes` });
      return;
    }
    if (status && status < 500) {
      res.status(400).json({ statusCode: 400, error: 'Bad Request', message: 'the body could not be read' });
      return;
    }
    next(error);
  };
  return [raw({ type: () => true, limit: maxBytes }), tooLarge];
}
