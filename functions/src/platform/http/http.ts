import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/** API Gateway HTTP API (payload v2) event: what Lambda receives on AWS and the local runtime builds. */
export type ApiEvent = APIGatewayProxyEventV2;
export type ApiResult = APIGatewayProxyStructuredResultV2 & {
  statusCode: number;
  headers: Record<string, string>;
  /**
   * A body produced piece by piece. The local HTTP server streams it; a buffered Lambda collects it
   * into `body` first (see createApiHandler).
   */
  bodyStream?: AsyncIterable<string>;
};

const securityHeaders = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
};

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', ...securityHeaders, ...headers },
    body: JSON.stringify(body),
  };
}

export function noContent(): ApiResult {
  return { statusCode: 204, headers: { ...securityHeaders }, body: '' };
}

export function streamed(contentType: string, fileName: string, chunks: AsyncIterable<string>): ApiResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': contentType,
      'content-disposition': `attachment; filename="${fileName.replaceAll('"', '')}"`,
      ...securityHeaders,
    },
    body: '',
    bodyStream: chunks,
  };
}

/**
 * A stream of server-sent events. No caching and no transformation on the way (a compressing proxy
 * would hold the events back until its buffer fills; `no-transform` and X-Accel-Buffering stop that).
 */
export function eventStreamResult(chunks: AsyncIterable<string>): ApiResult {
  return {
    statusCode: 200,
    headers: {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    },
    body: '',
    bodyStream: chunks,
  };
}
