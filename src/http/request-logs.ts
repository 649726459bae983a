/**
 * Fastify's per-request lines ("incoming request", "request completed") at debug instead of
 * info, for a console that is read by a person: `prognos demo` prints its stages and live
 * status, and the dashboard's polling would bury them under a JSON line per request.
 * `LOG_LEVEL=debug` brings them back; failed requests still log at error.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';

export class DebugRequestLogs extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    if (!this.isLogDisabled(request)) request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) return super.requestCompleted(error, request, reply);
    if (!this.isLogDisabled(request))
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
  }
}
