import { ObjectId } from 'bson';
import type { Document } from '../bson-values';
import type { CommandContext, CommandDefinition } from '../command-context';

export const maxBsonObjectSize = 16 * 1024 * 1024;
export const serverVersion = '7.0.14';
/** MongoDB 7.0; >= 25 would let the driver use 8.0-only commands (client bulkWrite). */
const maxWireVersion = 21;
const electionId = new ObjectId('7fffffff0000000000000001');

/**
 * The hello reply of a one-member replica set primary. `topologyVersion` is left out on purpose:
 * with it the driver switches to the streaming monitor, which needs exhaust replies.
 */
function hello(_command: Document, context: CommandContext): Document {
  const { address, replicaSetName } = context.identity;
  return {
    helloOk: true,
    isWritablePrimary: true,
    ismaster: true,
    secondary: false,
    setName: replicaSetName,
    setVersion: 1,
    hosts: [address],
    primary: address,
    me: address,
    electionId,
    maxBsonObjectSize,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: context.connection.id,
    minWireVersion: 0,
    maxWireVersion,
    readOnly: false,
  };
}

const helloFields = [
  'helloOk',
  'client',
  'compression',
  'saslSupportedMechs',
  'speculativeAuthenticate',
  'loadBalanced',
  'backpressure',
  'topologyVersion',
  'maxAwaitTimeMS',
];

function buildInfo(): Document {
  return {
    version: serverVersion,
    gitVersion: 'inbox-crm-in-process',
    versionArray: serverVersion.split('.').map(Number).concat([0]),
    sysInfo: 'inbox-crm in-process test server (bson + mingo); data is lost on exit',
    javascriptEngine: 'none',
    bits: 64,
    debug: false,
    maxBsonObjectSize,
    storageEngines: ['inProcessMemory'],
    modules: [],
  };
}

function getParameter(command: Document): Document {
  const known: Document = {
    featureCompatibilityVersion: { version: '7.0' },
    maxBSONDepth: 100,
    enableTestCommands: true,
    transactionLifetimeLimitSeconds: 60,
  };
  if (command.getParameter === '*' || command.allParameters === true) return { ...known };
  const reply: Document = {};
  for (const name of Object.keys(command)) if (name in known) reply[name] = known[name];
  return reply;
}

export const handshakeCommands: Record<string, CommandDefinition> = {
  hello: { handler: hello, fields: helloFields, allowedInTransaction: true },
  isMaster: { handler: hello, fields: helloFields, allowedInTransaction: true },
  ismaster: { handler: hello, fields: helloFields, allowedInTransaction: true },
  ping: { handler: () => ({}), fields: [], allowedInTransaction: true },
  buildInfo: { handler: buildInfo, fields: [], allowedInTransaction: true },
  buildinfo: { handler: buildInfo, fields: [], allowedInTransaction: true },
  getParameter: {
    handler: getParameter,
    fields: [
      'featureCompatibilityVersion',
      'maxBSONDepth',
      'enableTestCommands',
      'transactionLifetimeLimitSeconds',
      'allParameters',
    ],
    adminOnly: true,
  },
};
