import net from 'node:net';
import { deserialize, serialize } from 'bson';
import { MongoClient } from 'mongodb';
import { startInProcessMongo, type InProcessMongo } from './server';

function rawMessage(body: object, flags = 0): Buffer {
  const document = Buffer.from(serialize(body));
  const message = Buffer.alloc(21 + document.length);
  message.writeInt32LE(message.length, 0);
  message.writeInt32LE(99, 4);
  message.writeInt32LE(2013, 12);
  message.writeUInt32LE(flags, 16);
  message[20] = 0;
  document.copy(message, 21);
  return message;
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

function nextReply(socket: net.Socket): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    socket.once('data', (data: Buffer) => resolve(deserialize(data.subarray(21))));
  });
}

describe('in-process server lifecycle and framing', () => {
  let server: InProcessMongo;

  beforeEach(async () => {
    server = await startInProcessMongo({ ttlMonitorIntervalMs: 50 });
  });

  afterEach(async () => {
    await server.close();
  });

  it('announces a replica set in its URI on a random port', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.uri).toBe(`mongodb://127.0.0.1:${server.port}/?replicaSet=inbox-crm-in-process`);
  });

  it('answers raw OP_MSG commands, and none flagged moreToCome', async () => {
    const socket = await connect(server.port);
    socket.write(rawMessage({ ping: 1, $db: 'admin' }, 2));
    socket.write(rawMessage({ buildInfo: 1, $db: 'admin' }));
    const reply = await nextReply(socket);
    // The first reply is the buildInfo one: the moreToCome ping got none.
    expect(reply).toMatchObject({ ok: 1, version: expect.any(String) });
    socket.destroy();
  });

  it('closes the connection on a malformed message', async () => {
    const socket = await connect(server.port);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    const garbage = Buffer.alloc(8);
    garbage.writeInt32LE(4, 0);
    socket.write(garbage);
    await closed;
  });

  it('close() destroys open client sockets and resolves', async () => {
    const socket = await connect(server.port);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    await server.close();
    await closed;
    expect(socket.destroyed).toBe(true);
  });

  it('expires documents through a TTL index', async () => {
    const client = await MongoClient.connect(server.uri);
    const sessions = client.db('ttl').collection('sessions');
    await sessions.createIndex({ expires: 1 }, { expireAfterSeconds: 0 });
    await sessions.insertMany([
      { sid: 'old', expires: new Date(Date.now() - 1000) },
      { sid: 'fresh', expires: new Date(Date.now() + 60_000) },
      { sid: 'no-date', expires: 'soon' },
    ]);
    const deadline = Date.now() + 2000;
    while ((await sessions.countDocuments({ sid: 'old' })) > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect(
      (await sessions.find().sort({ sid: 1 }).toArray()).map((session) => session.sid),
    ).toEqual(['fresh', 'no-date']);
    await client.close();
  });
});
