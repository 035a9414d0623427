import type {
  StatusView,
  SyncStatusView,
} from '../../thunderbird-extension/src/background/protocol';
import { thunderbirdTestMode } from './harness/e2e-environment';
import { startThunderbirdSession, type ThunderbirdSession } from './harness/thunderbird-session';
import {
  clickInExtensionPage,
  editCardInAddressBook,
  inExtensionPage,
  readCrmAddressBook,
  waitForOptionsPage,
} from './harness/thunderbird-ui';
import { eventually } from '../support/eventually';

// Real Thunderbird, real server: the "CRM" address book in two-way sync with the salesperson's
// contacts. Edits in Thunderbird go through Thunderbird's own address-book code (as the UI does).

const mode = thunderbirdTestMode();
const describeInThunderbird = mode.run ? describe : describe.skip;
if (!mode.run) console.warn(mode.reason);

interface Partner {
  id: string;
  name: string;
  jobPosition: string;
}

describeInThunderbird('Thunderbird: CRM address book in two-way sync', () => {
  let session: ThunderbirdSession;
  let partner: Partner;

  beforeAll(async () => {
    session = await startThunderbirdSession({});
  }, 180_000);

  afterAll(async () => {
    await session?.stop();
  }, 60_000);

  const syncNow = () => session.control.run<SyncStatusView>('syncNow', {}, 120_000);
  const partnerOnServer = async () =>
    (await session.crm.api<Partner>('GET', `/partners/${partner.id}`)).body;

  it('puts a contact created in the CRM into the "CRM" address book', async () => {
    const created = await session.crm.api<Partner>('POST', '/partners', {
      name: 'Margaret Lindqvist',
      email: 'margaret.lindqvist@bluefin-logistics.example.com',
      jobPosition: 'Head of Procurement',
      companyName: 'Bluefin Logistics Ltd',
      userId: session.crm.user.userId,
    });
    expect(created.status).toBe(201);
    partner = created.body;

    const status = await syncNow();
    expect(status).toMatchObject({ state: 'idle', conflicts: 0 });
    expect(status.lastError).toBeUndefined();

    const cards = await readCrmAddressBook(session.thunderbird.marionette);
    const card = cards.find((candidate) => candidate.vCard.includes('Margaret Lindqvist'));
    expect(card).toBeDefined();
    // The CRM id is the card's UID (Thunderbird's contact id) and travels as X-CRM-ID.
    expect(card!.uid).toBe(partner.id);
    expect(card!.vCard).toMatch(new RegExp(`X-CRM-ID:${partner.id}`, 'i'));
    expect(card!.vCard).toMatch(/TITLE:Head of Procurement/);
    expect(card!.vCard).toMatch(/margaret\.lindqvist@bluefin-logistics\.example\.com/);
  });

  it('sends a change the user makes in Thunderbird to the CRM, without a manual sync', async () => {
    await editCardInAddressBook(session.thunderbird.marionette, partner.id, [
      { property: 'title', value: 'Procurement Director' },
    ]);
    // The address-book event wakes the product's sync (debounced); nothing else triggers it here.
    const updated = await eventually(async () => {
      const current = await partnerOnServer();
      return current.jobPosition === 'Procurement Director' ? current : undefined;
    }, 'the edit to reach the CRM');
    expect(updated.name).toBe('Margaret Lindqvist');
  });

  it('records a conflict when the same field changed on both sides, and loses neither value', async () => {
    await session.control.run('syncIdle', {}, 120_000);
    const serverEdit = await session.crm.api('PATCH', `/partners/${partner.id}`, {
      jobPosition: 'Chief Procurement Officer',
    });
    expect(serverEdit.status).toBe(200);
    await editCardInAddressBook(session.thunderbird.marionette, partner.id, [
      { property: 'title', value: 'VP Procurement' },
    ]);

    const conflicts = await eventually(async () => {
      await session.control.run('syncIdle', {}, 120_000);
      const { body } = await session.crm.api<{
        items: Array<{ path: string; server?: unknown; client?: unknown }>;
      }>('GET', `/sync/contacts/${partner.id}/conflicts`);
      return body.items.length > 0 ? body.items : undefined;
    }, 'a conflict record');
    expect(conflicts[0]).toMatchObject({
      path: 'jobPosition',
      server: 'Chief Procurement Officer',
      client: 'VP Procurement',
    });

    const status = await session.control.run<StatusView>('request', {
      request: { type: 'status' },
    });
    expect(status.sync.conflicts).toBeGreaterThanOrEqual(1);
  });

  it('resolves the conflict on the options page with "Use mine": the CRM takes this device\'s value and the address book agrees', async () => {
    const marionette = session.thunderbird.marionette;
    await session.control.run('openOptionsPage');
    await waitForOptionsPage(marionette);
    const row = await eventually(
      () =>
        inExtensionPage<{ id: string; cells: string[] } | undefined>(
          marionette,
          'options.html',
          `const row = document.querySelector('[data-conflict]');
           return row ? { id: row.dataset.conflict, cells: [...row.querySelectorAll('td')].slice(0, 4).map((cell) => cell.textContent) } : undefined;`,
        ).then((value) => value ?? undefined),
      'the conflict on the options page',
    );
    expect(row.cells).toEqual([
      'Margaret Lindqvist',
      'jobPosition',
      'Chief Procurement Officer',
      'VP Procurement',
    ]);

    await clickInExtensionPage(
      marionette,
      'options.html',
      `[data-conflict="${row.id}"] [data-resolve="use-device"]`,
    );
    await eventually(
      async () =>
        (await inExtensionPage<boolean>(
          marionette,
          'options.html',
          "return document.querySelector('[data-conflict=\"' + arguments[0] + '\"]') === null;",
          [row.id],
        )) || undefined,
      'the resolved conflict to leave the list',
    );
    expect((await partnerOnServer()).jobPosition).toBe('VP Procurement');
    const { body } = await session.crm.api<{ items: unknown[] }>(
      'GET',
      `/sync/contacts/${partner.id}/conflicts`,
    );
    expect(body.items).toEqual([]);

    // The next sync brings the CRM's (now the device's) value to the card and finds nothing open.
    const status = await syncNow();
    expect(status.conflicts).toBe(0);
    const card = (await readCrmAddressBook(marionette)).find((entry) => entry.uid === partner.id);
    expect(card!.vCard).toMatch(/TITLE:VP Procurement/);
  });
});
