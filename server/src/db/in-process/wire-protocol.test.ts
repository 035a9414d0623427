import { deserialize, serialize } from 'bson';
import {
  encodeMsgReply,
  encodeQueryReply,
  MessageFramer,
  MsgFlag,
  OpCode,
  parseMessage,
  ProtocolError,
} from './wire-protocol';

function header(length: number, requestId: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(requestId, 4);
  buffer.writeInt32LE(0, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

function opMsg(
  requestId: number,
  flags: number,
  body: object,
  sequences: Array<[string, object[]]> = [],
  checksum = false,
): Buffer {
  const parts: Buffer[] = [];
  const flagBuffer = Buffer.alloc(4);
  flagBuffer.writeUInt32LE(flags | (checksum ? MsgFlag.checksumPresent : 0), 0);
  parts.push(flagBuffer, Buffer.from([0]), Buffer.from(serialize(body)));
  for (const [identifier, documents] of sequences) {
    const payload = Buffer.concat([
      Buffer.from(`${identifier}\0`),
      ...documents.map((document) => Buffer.from(serialize(document))),
    ]);
    const size = Buffer.alloc(4);
    size.writeInt32LE(payload.length + 4, 0);
    parts.push(Buffer.from([1]), size, payload);
  }
  if (checksum) parts.push(Buffer.from([1, 2, 3, 4]));
  const content = Buffer.concat(parts);
  return Buffer.concat([header(16 + content.length, requestId, OpCode.msg), content]);
}

describe('MessageFramer', () => {
  it('reassembles a message split across chunks and splits chunks holding several', () => {
    const first = opMsg(1, 0, { ping: 1, $db: 'admin' });
    const second = opMsg(2, 0, { hello: 1, $db: 'admin' });
    const framer = new MessageFramer();
    const stream = Buffer.concat([first, second]);
    const seen: Buffer[] = [];
    for (let offset = 0; offset < stream.length; offset += 3)
      seen.push(...framer.push(stream.subarray(offset, offset + 3)));
    expect(seen.map((message) => message.readInt32LE(4))).toEqual([1, 2]);
    expect(framer.push(stream)).toHaveLength(2);
  });

  it('rejects lengths below the header size or above 48 MB', () => {
    const tooShort = Buffer.alloc(4);
    tooShort.writeInt32LE(8, 0);
    expect(() => new MessageFramer().push(tooShort)).toThrow(ProtocolError);
    const tooLong = Buffer.alloc(4);
    tooLong.writeInt32LE(48_000_001, 0);
    expect(() => new MessageFramer().push(tooLong)).toThrow(ProtocolError);
  });
});

describe('parseMessage', () => {
  it('merges kind-1 document sequences into the body and honours moreToCome', () => {
    const message = opMsg(7, MsgFlag.moreToCome, { insert: 'c', $db: 'd' }, [
      ['documents', [{ a: 1 }, { a: 2 }]],
    ]);
    const parsed = parseMessage(message);
    expect(parsed).toMatchObject({
      requestId: 7,
      opCode: OpCode.msg,
      moreToCome: true,
      body: { insert: 'c', documents: [{ a: 1 }, { a: 2 }] },
    });
  });

  it('drops a trailing checksum', () => {
    expect(parseMessage(opMsg(8, 0, { ping: 1, $db: 'admin' }, [], true)).body).toEqual({
      ping: 1,
      $db: 'admin',
    });
  });

  it('rejects unknown required flag bits and unknown opcodes', () => {
    expect(() => parseMessage(opMsg(9, 1 << 5, { ping: 1, $db: 'admin' }))).toThrow(
      /unknown required OP_MSG flag/,
    );
    const compressed = Buffer.concat([header(20, 1, OpCode.compressed), Buffer.alloc(4)]);
    expect(() => parseMessage(compressed)).toThrow(/unsupported opCode 2012/);
  });

  it('parses the legacy OP_QUERY handshake and takes $db from the namespace', () => {
    const body = Buffer.from(serialize({ ismaster: 1, helloOk: true }));
    const rest = Buffer.concat([
      Buffer.alloc(4),
      Buffer.from('admin.$cmd\0'),
      Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
      body,
    ]);
    const parsed = parseMessage(Buffer.concat([header(16 + rest.length, 3, OpCode.query), rest]));
    expect(parsed).toMatchObject({
      opCode: OpCode.query,
      requestId: 3,
      body: { ismaster: 1, helloOk: true, $db: 'admin' },
    });
  });

  it('keeps the regex x option visible and fails loudly on it', () => {
    const message = opMsg(10, 0, { find: 'c', filter: { a: /^x/ }, $db: 'd' });
    expect(parseMessage(message).body.filter.a).toBeInstanceOf(RegExp);
    const extended = Buffer.from(
      serialize({ find: 'c', filter: { a: { $regex: 'x', $options: 'x' } }, $db: 'd' }),
    );
    expect(() => parseMessage(opMsg(11, 0, deserialize(extended)))).not.toThrow();
  });
});

describe('replies', () => {
  it('OP_MSG replies have one kind-0 section answering the request id', () => {
    const reply = encodeMsgReply(42, { ok: 1 });
    expect(reply.readInt32LE(0)).toBe(reply.length);
    expect(reply.readInt32LE(8)).toBe(42);
    expect(reply.readInt32LE(12)).toBe(OpCode.msg);
    expect(reply[20]).toBe(0);
    expect(deserialize(reply.subarray(21))).toEqual({ ok: 1 });
  });

  it('OP_REPLY carries exactly one document', () => {
    const reply = encodeQueryReply(5, { ok: 1, ismaster: true });
    expect(reply.readInt32LE(12)).toBe(OpCode.reply);
    expect(reply.readInt32LE(32)).toBe(1);
    expect(deserialize(reply.subarray(36))).toEqual({ ok: 1, ismaster: true });
  });

  it('serializes replies larger than bson’s default buffer', () => {
    const reply = encodeMsgReply(1, { ok: 1, blob: 'z'.repeat(18 * 1024 * 1024) });
    // Compare lengths only: a failure message must not print 18 MB.
    expect(String(deserialize(reply.subarray(21)).blob).length === 18 * 1024 * 1024).toBe(true);
  });
});
