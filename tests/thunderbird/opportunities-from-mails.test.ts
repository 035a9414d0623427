import type { BulkJobView } from '../../thunderbird-extension/src/background/protocol';
import { thunderbirdTestMode } from './harness/e2e-environment';
import {
  type FixtureMail,
  loadFixtureMails,
  startThunderbirdSession,
  type ThunderbirdSession,
} from './harness/thunderbird-session';
import { clickMenuOnMessages } from './harness/thunderbird-ui';

// Real Thunderbird, real server: mails selected in the message list, "Create opportunities from
// N selected mails" clicked in the context menu, results checked on the server.

const mode = thunderbirdTestMode();
const describeInThunderbird = mode.run ? describe : describe.skip;
if (!mode.run) console.warn(mode.reason);

interface Lead {
  id: string;
  name: string;
  partnerId: string | null;
}
interface Attachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
}

describeInThunderbird('Thunderbird: opportunities from selected mails', () => {
  const mails = loadFixtureMails();
  const byFile = (file: string): FixtureMail => mails.find((mail) => mail.file === file)!;
  let session: ThunderbirdSession;
  let jobsSeen = 0;
  let rfqLeadId: string | undefined;

  beforeAll(async () => {
    session = await startThunderbirdSession({
      mailFolders: { Sales: mails.map((mail) => mail.bytes) },
    });
  }, 180_000);

  afterAll(async () => {
    await session?.stop();
  }, 60_000);

  async function createFromSelection(select: 'all' | FixtureMail[]): Promise<BulkJobView> {
    const ids = select === 'all' ? 'all' : select.map((mail) => mail.messageId!);
    const selected = await clickMenuOnMessages(
      session.thunderbird.marionette,
      'Sales',
      ids,
      'inbox-crm-create-opportunities',
      mails.length,
    );
    expect(selected).toBe(select === 'all' ? mails.length : select.length);
    const job = await session.control.run<BulkJobView | null>(
      'latestBulkJob',
      { knownJobs: jobsSeen, timeoutMs: 90_000 },
      120_000,
    );
    jobsSeen += 1;
    expect(job).not.toBeNull();
    expect(job!.state).toBe('done');
    return job!;
  }

  async function leads(): Promise<Lead[]> {
    const { status, body } = await session.crm.api<{ items: Lead[] }>('GET', '/leads?limit=200');
    expect(status).toBe(200);
    return body.items;
  }

  async function archivedEml(leadId: string): Promise<Buffer[]> {
    const { body } = await session.crm.api<{ items: Attachment[] } | Attachment[]>(
      'GET',
      `/leads/${leadId}/attachments`,
    );
    const items = Array.isArray(body) ? body : body.items;
    const emls = items.filter((attachment) => attachment.contentType.startsWith('message/rfc822'));
    return Promise.all(
      emls.map((attachment) => session.crm.download(`/attachments/${attachment.id}/content`)),
    );
  }

  it('turns one selected mail into an opportunity with its .eml archived byte for byte', async () => {
    const rfq = byFile('rfq-office-chairs-en.eml');
    const job = await createFromSelection([rfq]);
    expect(job.items).toHaveLength(1);
    expect(job.items[0]).toMatchObject({ state: 'created', record: { resModel: 'lead' } });

    const [lead] = (await leads()).filter(
      (candidate) => candidate.name === 'Request for quotation: 120 ergonomic office chairs',
    );
    expect(lead).toBeDefined();
    expect(lead!.id).toBe(job.items[0]!.record!.resId);
    rfqLeadId = lead!.id;
    const emls = await archivedEml(lead!.id);
    expect(emls).toHaveLength(1);
    expect(emls[0]!.equals(rfq.bytes)).toBe(true);
  });

  it('turns several selected mails into one opportunity each, each with its own .eml', async () => {
    const selection = [
      'inquiry-zh-cn.eml',
      'oferta-ro.eml',
      'freemail-individual-en.eml',
      'html-with-inline-image.eml',
    ].map(byFile);
    const job = await createFromSelection(selection);
    expect(job.items.map((item) => item.state)).toEqual([
      'created',
      'created',
      'created',
      'created',
    ]);

    const names = (await leads()).map((lead) => lead.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '询价：办公家具 500 套',
        'Cerere de ofertă – mobilier birou',
        'Question about the Aria sit-stand desk',
        'Reception area seating for 3 clinics',
      ]),
    );
    const archived = new Set<string>();
    for (const item of job.items) {
      const emls = await archivedEml(item.record!.resId);
      expect(emls).toHaveLength(1);
      const source = selection.find((candidate) => candidate.bytes.equals(emls[0]!));
      expect(source).toBeDefined();
      archived.add(source!.file);
    }
    expect(archived.size).toBe(selection.length);
  });

  it('reports mails already in the CRM instead of duplicating them, the second time as well', async () => {
    const before = await leads();
    const first = await createFromSelection('all');
    expect(first.items).toHaveLength(mails.length);
    expect(first.items.filter((item) => item.state === 'failed')).toEqual([]);
    // The five from the tests above are reported as already in the CRM.
    expect(first.items.filter((item) => item.state === 'existing')).toHaveLength(5);
    // The reply belongs to the RFQ's conversation: it is logged on that opportunity, not a new one.
    const logged = first.items.filter((item) => item.state === 'logged');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.record?.resId).toBe(rfqLeadId);
    expect(first.items.filter((item) => item.state === 'created')).toHaveLength(2);
    const afterFirst = await leads();
    // New: the forwarded lead and the mail without a Message-ID.
    expect(afterFirst.length).toBe(before.length + 2);
    expect(afterFirst.map((lead) => lead.name)).toEqual(
      expect.arrayContaining([
        'Conference room furniture for our new Leeds office',
        'Quote for 40 student lockers',
      ]),
    );

    const second = await createFromSelection('all');
    expect(second.items.map((item) => item.state)).toEqual(Array(mails.length).fill('existing'));
    expect((await leads()).length).toBe(afterFirst.length);
  });
});
