import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGraph } from './__fakes__/fake-graph';
import { GraphClient, GraphDeltaExpiredError, GraphError } from './graph-client';
import { graphContactFromSync, syncContactFromGraph } from './graph-contact-mapping';

let graph: FakeGraph;
const token = 'graph-client-test-token';

beforeAll(async () => {
  graph = await FakeGraph.start();
  graph.acceptToken(token, 'client-test');
});

afterAll(() => graph.stop());

function client(options: Partial<ConstructorParameters<typeof GraphClient>[0]> = {}) {
  return new GraphClient({ baseUrl: graph.baseUrl, accessToken: async () => token, ...options });
}

describe('GraphClient against the local Graph fake', () => {
  it('follows nextLinks to the deltaLink, then returns only changes and @removed entries', async () => {
    const graphClient = client({ deltaPageSize: 2 });
    const folder = await graphClient.createFolder('Delta test');
    const mailbox = graph.mailbox('client-test');
    const ids = [1, 2, 3, 4, 5].map(
      (index) => mailbox.userCreates(folder.id, { displayName: `Person ${index}` }).id,
    );
    const before = graph.requests.length;
    const first = await graphClient.contactsDelta(folder.id);
    expect(graph.requests.length - before).toBe(3); // 2 + 2 + 1
    expect(first.entries.map((entry) => entry.id).sort()).toEqual([...ids].sort());

    mailbox.userEdits(ids[0]!, { jobTitle: 'Buyer' });
    mailbox.userDeletes(ids[1]!);
    const second = await graphClient.contactsDelta(folder.id, first.deltaLink);
    expect(second.entries).toEqual([
      expect.objectContaining({ id: ids[0], jobTitle: 'Buyer' }),
      { id: ids[1], '@removed': { reason: 'deleted' } },
    ]);
    const third = await graphClient.contactsDelta(folder.id, second.deltaLink);
    expect(third.entries).toEqual([]);

    mailbox.expireDeltaTokens();
    await expect(graphClient.contactsDelta(folder.id, third.deltaLink)).rejects.toBeInstanceOf(
      GraphDeltaExpiredError,
    );
  });

  it('retries a 429 after Retry-After, and gives up with a typed error after maxRetries', async () => {
    const folder = await client().createFolder('Throttle test');
    graph.throttleNext = 1;
    await expect(client().getFolder(folder.id)).resolves.toMatchObject({ id: folder.id });
    graph.throttleNext = 3;
    const error = await client({ maxRetries: 1 })
      .getFolder(folder.id)
      .catch((caught: unknown) => caught);
    graph.throttleNext = 0;
    expect(error).toBeInstanceOf(GraphError);
    expect(error).toMatchObject({ status: 429, code: 'ApplicationThrottled' });
  });

  it('answers 404 as undefined for reads, and surfaces Graph validation errors with their code', async () => {
    const graphClient = client();
    expect(await graphClient.getContact('AAMk-missing')).toBeUndefined();
    await expect(graphClient.deleteContact('AAMk-missing')).resolves.toBeUndefined();
    const folder = await graphClient.createFolder('Limits test');
    const error = await graphClient
      .createContact(folder.id, {
        displayName: 'Four Mails',
        emailAddresses: ['a', 'b', 'c', 'd'].map((local) => ({ address: `${local}@example.com` })),
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, code: 'ErrorInvalidArgument' });
  });

  it('refuses an expired token with 401 (typed), and never follows a link to another host', async () => {
    const refused = await new GraphClient({
      baseUrl: graph.baseUrl,
      accessToken: async () => 'nope',
    })
      .findFolder('CRM')
      .catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ status: 401, code: 'InvalidAuthenticationToken' });
    const foreign = await client()
      .contactsDelta('folder', 'https://evil.example.com/v1.0/me/contactFolders/x/contacts/delta')
      .catch((caught: unknown) => caught);
    expect(foreign).toMatchObject({ status: 0, code: 'invalid_response' });
  });

  it('times out a Graph that does not answer', async () => {
    const hanging: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve));
    const { port } = hanging.address() as AddressInfo;
    try {
      const error = await new GraphClient({
        baseUrl: `http://127.0.0.1:${port}/v1.0`,
        accessToken: async () => token,
        timeoutMs: 200,
      })
        .findFolder('CRM')
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({ status: 0, code: 'timeout' });
    } finally {
      hanging.closeAllConnections();
      await new Promise<void>((resolve) => hanging.close(() => resolve()));
    }
  });
});

describe('Graph contact ↔ sync contact mapping', () => {
  it('round-trips the fields Outlook has slots for and keeps Graph within its limits', () => {
    const contact = {
      name: 'Margaret Lindqvist',
      isCompany: false,
      companyName: 'Bluefin Logistics',
      companyId: null,
      jobPosition: 'Head of Procurement',
      email: 'margaret@bluefin.example.com',
      emails: ['m.lindqvist@bluefin.example.com', 'ml@home.example.com', 'fourth@example.com'],
      phone: '+46 8 123 45 67',
      mobile: '+46 70 111 22 33',
      street: 'Hamngatan 1',
      street2: 'Floor 3',
      zip: '111 47',
      city: 'Stockholm',
      stateCode: null,
      countryCode: 'SE',
      website: 'https://bluefin.example.com',
      lang: null,
      notes: 'Met at the fair',
    };
    const written = graphContactFromSync(contact, 'crm-42');
    expect(written.emailAddresses).toHaveLength(3);
    expect(written.singleValueExtendedProperties?.[0]?.value).toBe('crm-42');
    const back = syncContactFromGraph({ id: 'AAMk1', ...written });
    expect(back).toEqual({ ...contact, emails: contact.emails.slice(0, 2) });
  });

  it('names a contact without a display name from its parts, then its address', () => {
    expect(syncContactFromGraph({ id: '1', givenName: 'Ana', surname: 'Silva' }).name).toBe(
      'Ana Silva',
    );
    expect(
      syncContactFromGraph({ id: '2', emailAddresses: [{ address: 'only@example.com' }] }).name,
    ).toBe('only@example.com');
    expect(
      syncContactFromGraph({ id: '3', businessAddress: { countryOrRegion: 'Sweden' } }).countryCode,
    ).toBeNull();
  });
});
