import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  non2xx: number;
}

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  /** A body per request (so creation benchmarks do not collide on unique fields). */
  body?: () => string;
  durationSeconds?: number;
  connections?: number;
}

/** Bounded load on 127.0.0.1 with autocannon: fixed duration, fixed connections, stops by itself. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const makeBody = options.body;
  const result = await autocannon({
    url: options.url,
    method: options.method ?? 'GET',
    headers: { 'content-type': 'application/json', ...options.headers },
    duration: options.durationSeconds ?? 4,
    connections: options.connections ?? 8,
    ...(makeBody
      ? {
          requests: [
            {
              setupRequest: (request: autocannon.Request) => ({ ...request, body: makeBody() }),
            },
          ],
        }
      : {}),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}
