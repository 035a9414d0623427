import {
  calculateObjectSize,
  deserialize,
  serialize,
  setInternalBufferSize,
  type Document,
} from 'bson';
import { normalizeIncoming } from './bson-values';

export const OpCode = { reply: 1, query: 2004, compressed: 2012, msg: 2013 } as const;
export const MsgFlag = {
  checksumPresent: 1 << 0,
  moreToCome: 1 << 1,
  exhaustAllowed: 1 << 16,
} as const;

export const maxMessageSizeBytes = 48_000_000;
const headerSize = 16;
const knownRequiredFlags = MsgFlag.checksumPresent | MsgFlag.moreToCome;

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export interface IncomingCommand {
  requestId: number;
  opCode: typeof OpCode.query | typeof OpCode.msg;
  /** The command document with kind-1 document sequences merged in. */
  body: Document;
  /** The client asked for no reply (OP_MSG moreToCome: `w: 0` writes, `endSessions`). */
  moreToCome: boolean;
}

/** Accumulates socket chunks and yields whole messages: one may span chunks, a chunk may hold several. */
export class MessageFramer {
  private chunks: Buffer[] = [];
  private buffered = 0;
  /** Length of the message being accumulated, once its first 4 bytes are in. */
  private expected: number | undefined;

  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const messages: Buffer[] = [];
    for (;;) {
      if (this.expected === undefined) {
        if (this.buffered < 4) break;
        const length = this.head().readInt32LE(0);
        if (length < headerSize || length > maxMessageSizeBytes)
          throw new ProtocolError(`invalid message length ${length}`);
        this.expected = length;
      }
      // Concatenate only once the whole message is there (a 16 MB insert arrives in ~250 chunks).
      if (this.buffered < this.expected) break;
      const all =
        this.chunks.length === 1
          ? (this.chunks[0] as Buffer)
          : Buffer.concat(this.chunks, this.buffered);
      messages.push(all.subarray(0, this.expected));
      const rest = all.subarray(this.expected);
      this.chunks = rest.length > 0 ? [rest] : [];
      this.buffered = rest.length;
      this.expected = undefined;
    }
    return messages;
  }

  private head(): Buffer {
    const first = this.chunks[0] as Buffer;
    if (first.length >= 4) return first;
    this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] as Buffer;
  }
}

const deserializeOptions = { promoteLongs: true, promoteValues: true, bsonRegExp: true } as const;

function readDocument(buffer: Buffer, offset: number): { document: Document; size: number } {
  if (offset + 4 > buffer.length) throw new ProtocolError('truncated BSON document');
  const size = buffer.readInt32LE(offset);
  if (size < 5 || offset + size > buffer.length)
    throw new ProtocolError('invalid BSON document size');
  const document = deserialize(buffer.subarray(offset, offset + size), deserializeOptions);
  return { document, size };
}

function readCString(buffer: Buffer, offset: number): { value: string; next: number } {
  const end = buffer.indexOf(0, offset);
  if (end < 0) throw new ProtocolError('unterminated cstring');
  return { value: buffer.toString('utf8', offset, end), next: end + 1 };
}

/** Parses one framed message (OP_QUERY or OP_MSG); anything else is a protocol error. */
export function parseMessage(message: Buffer): IncomingCommand {
  const requestId = message.readInt32LE(4);
  const opCode = message.readInt32LE(12);
  if (opCode === OpCode.query) {
    let offset = headerSize + 4;
    const namespace = readCString(message, offset);
    offset = namespace.next + 8;
    let { document } = readDocument(message, offset);
    if (document.$query !== undefined && typeof document.$query === 'object')
      document = document.$query as Document;
    const database = namespace.value.split('.')[0] ?? 'admin';
    if (document.$db === undefined) document.$db = database;
    return { requestId, opCode, body: normalizeIncoming(document) as Document, moreToCome: false };
  }
  if (opCode !== OpCode.msg) throw new ProtocolError(`unsupported opCode ${opCode}`);
  const flags = message.readUInt32LE(headerSize);
  if ((flags & 0xffff & ~knownRequiredFlags) !== 0)
    throw new ProtocolError(`unknown required OP_MSG flag bits ${flags}`);
  const end = flags & MsgFlag.checksumPresent ? message.length - 4 : message.length;
  let offset = headerSize + 4;
  let body: Document | undefined;
  const sequences: Array<[string, Document[]]> = [];
  while (offset < end) {
    const kind = message[offset];
    offset += 1;
    if (kind === 0) {
      if (body) throw new ProtocolError('more than one kind-0 section');
      const { document, size } = readDocument(message, offset);
      body = document;
      offset += size;
    } else if (kind === 1) {
      const sectionSize = message.readInt32LE(offset);
      const sectionEnd = offset + sectionSize;
      if (sectionEnd > end) throw new ProtocolError('document sequence overruns the message');
      const identifier = readCString(message, offset + 4);
      const documents: Document[] = [];
      let position = identifier.next;
      while (position < sectionEnd) {
        const { document, size } = readDocument(message, position);
        documents.push(document);
        position += size;
      }
      sequences.push([identifier.value, documents]);
      offset = sectionEnd;
    } else {
      throw new ProtocolError(`unknown OP_MSG section kind ${String(kind)}`);
    }
  }
  if (!body) throw new ProtocolError('OP_MSG without a kind-0 section');
  for (const [identifier, documents] of sequences) body[identifier] = documents;
  return {
    requestId,
    opCode,
    body: normalizeIncoming(body) as Document,
    moreToCome: (flags & MsgFlag.moreToCome) !== 0,
  };
}

let nextResponseId = 1;

/** bson's internal serialization buffer (17 MiB by default); grown on demand. */
let serializeBufferSize = 17 * 1024 * 1024;

function serializeReply(reply: Document): Buffer {
  // bson 7 silently truncates output longer than its internal buffer: size every reply first.
  const size = calculateObjectSize(reply);
  if (size > serializeBufferSize) {
    serializeBufferSize = size + 1024;
    setInternalBufferSize(serializeBufferSize);
  }
  return Buffer.from(serialize(reply));
}

function header(length: number, responseTo: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(headerSize);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(nextResponseId, 4);
  nextResponseId = (nextResponseId % 0x7fffffff) + 1;
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

/** OP_MSG reply: one kind-0 section (the driver rejects kind 1 in replies). */
export function encodeMsgReply(responseTo: number, reply: Document): Buffer {
  const document = serializeReply(reply);
  const prefix = Buffer.alloc(5); // flagBits = 0, then section kind 0
  return Buffer.concat([
    header(headerSize + prefix.length + document.length, responseTo, OpCode.msg),
    prefix,
    document,
  ]);
}

/** OP_REPLY to a legacy OP_QUERY (the first hello of each connection). */
export function encodeQueryReply(responseTo: number, reply: Document): Buffer {
  const document = serializeReply(reply);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(reply.ok === 0 ? 2 : 8, 0);
  fields.writeInt32LE(1, 16); // numberReturned; cursorId and startingFrom stay 0
  return Buffer.concat([
    header(headerSize + fields.length + document.length, responseTo, OpCode.reply),
    fields,
    document,
  ]);
}
