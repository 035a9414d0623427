import { calculateObjectSize, Long } from 'bson';
import type { Document } from './bson-values';
import { ErrorCode, MongoCommandError } from './errors';

/** A real server caps a batch at 16 MiB of documents (and always returns at least one). */
const maxBatchBytes = 16 * 1024 * 1024;
const defaultFirstBatchSize = 101;

interface OpenCursor {
  namespace: string;
  remaining: Document[];
  lastUsed: number;
}

export interface CursorReply {
  cursor: { firstBatch?: Document[]; nextBatch?: Document[]; id: Long; ns: string };
}

/**
 * Server-side cursors. Results are computed eagerly (commands run synchronously), so a cursor is
 * the rest of a result list. Ids are global counters below 2^53, sent as Int64.
 */
export class CursorRegistry {
  private readonly cursors = new Map<number, OpenCursor>();
  private nextId = 1;

  constructor(private readonly idleTimeoutMs: number) {}

  /** Builds the first batch and keeps the rest open unless exhausted or `singleBatch`. */
  open(
    namespace: string,
    results: Document[],
    options: { batchSize?: number; singleBatch?: boolean },
  ): CursorReply {
    const batchSize = options.batchSize ?? defaultFirstBatchSize;
    const firstBatch = takeBatch(results, batchSize);
    const rest = results.slice(firstBatch.length);
    let id = 0;
    if (rest.length > 0 && !options.singleBatch) {
      id = this.nextId;
      this.nextId += 1;
      this.cursors.set(id, { namespace, remaining: rest, lastUsed: Date.now() });
    }
    return { cursor: { firstBatch, id: Long.fromNumber(id), ns: namespace } };
  }

  getMore(id: number, namespace: string, batchSize: number | undefined): CursorReply {
    const cursor = this.cursors.get(id);
    if (!cursor) throw new MongoCommandError(ErrorCode.CursorNotFound, `cursor id ${id} not found`);
    if (cursor.namespace !== namespace)
      throw new MongoCommandError(
        13,
        `Requested getMore on namespace '${namespace}', but cursor belongs to a different namespace ${cursor.namespace}`,
        { codeName: 'Unauthorized' },
      );
    const nextBatch = takeBatch(
      cursor.remaining,
      batchSize && batchSize > 0 ? batchSize : Number.MAX_SAFE_INTEGER,
    );
    cursor.remaining = cursor.remaining.slice(nextBatch.length);
    cursor.lastUsed = Date.now();
    let replyId = id;
    if (cursor.remaining.length === 0) {
      this.cursors.delete(id);
      replyId = 0;
    }
    return { cursor: { nextBatch, id: Long.fromNumber(replyId), ns: namespace } };
  }

  kill(ids: number[]): { killed: number[]; notFound: number[] } {
    const killed: number[] = [];
    const notFound: number[] = [];
    for (const id of ids) {
      if (this.cursors.delete(id)) killed.push(id);
      else notFound.push(id);
    }
    return { killed, notFound };
  }

  /** Drops cursors idle for longer than the timeout (a real server: 10 minutes). */
  expireIdle(now = Date.now()): number {
    let expired = 0;
    for (const [id, cursor] of this.cursors) {
      if (now - cursor.lastUsed > this.idleTimeoutMs) {
        this.cursors.delete(id);
        expired += 1;
      }
    }
    return expired;
  }

  get openCount(): number {
    return this.cursors.size;
  }

  clear(): void {
    this.cursors.clear();
  }
}

function takeBatch(documents: Document[], batchSize: number): Document[] {
  const batch: Document[] = [];
  let bytes = 0;
  for (const document of documents) {
    if (batch.length >= batchSize) break;
    const size = calculateObjectSize(document);
    if (batch.length > 0 && bytes + size > maxBatchBytes) break;
    batch.push(document);
    bytes += size;
  }
  return batch;
}
