import { seedSyncContacts } from '../../server/src/modules/contact-sync/contact-sync-seed';
import type { SyncStatusView } from '../../thunderbird-extension/src/background/protocol';
import { thunderbirdTestMode } from './harness/e2e-environment';
import { startThunderbirdSession, type ThunderbirdSession } from './harness/thunderbird-session';
import {
  grantHostPermission,
  inExtensionPage,
  readCrmAddressBook,
  waitForOptionsPage,
} from './harness/thunderbird-ui';
import { eventually } from '../support/eventually';

// Real Thunderbird, real server: the first sync of a salesperson with 600 CRM contacts (more than
// one page of the change feed), watched on the options page. The server holds the second page
// until the test has seen the progress, so what is asserted does not depend on speed.

const mode = thunderbirdTestMode();
const describeInThunderbird = mode.run ? describe : describe.skip;
if (!mode.run) console.warn(mode.reason);

describeInThunderbird('Thunderbird: progress of the first address-book sync', () => {
  let session: ThunderbirdSession;

  beforeAll(async () => {
    session = await startThunderbirdSession({ connect: false });
  }, 180_000);

  afterAll(async () => {
    await session?.stop();
  }, 60_000);

  it('shows how many contacts arrived while the first sync runs, then the finished state', async () => {
    await seedSyncContacts({
      count: 600,
      createdBy: session.crm.user.userId,
      namePrefix: 'Progress Contact',
    });
    // Pages after the first one (they carry the feed token) wait until released.
    const gate = session.crm.hold(
      (req) => req.method === 'GET' && /^\/api\/v1\/sync\/contacts\?.*\btoken=/.test(req.url ?? ''),
    );
    try {
      const address = await session.control.run<{ originPattern: string }>('request', {
        request: { type: 'options/save-server', serverUrl: session.crm.baseUrl },
      });
      await grantHostPermission(session.thunderbird.marionette, address.originPattern);
      await session.control.run('request', {
        request: { type: 'options/use-api-token', token: session.crm.user.token },
      });
      await session.control.run('openOptionsPage');
      await waitForOptionsPage(session.thunderbird.marionette);
      void session.control.run('request', { request: { type: 'sync/run-now' } }, 180_000);

      const shown = await eventually(
        async () => {
          const text = await inExtensionPage<string | null>(
            session.thunderbird.marionette,
            'options.html',
            'return document.querySelector(\'[data-testid="sync-status"]\')?.textContent ?? null;',
          );
          return text?.includes('contacts so far') ? text : undefined;
        },
        'the sync progress on the options page',
        90_000,
      );
      expect(shown).toContain('Syncing: 500 contacts so far');
      expect(gate.held()).toBeGreaterThanOrEqual(1);
    } finally {
      gate.release();
    }

    const status = await session.control.run<SyncStatusView>('syncIdle', {}, 180_000);
    expect(status).toMatchObject({ state: 'idle' });
    expect(status.lastError).toBeUndefined();
    const cards = await readCrmAddressBook(session.thunderbird.marionette);
    expect(cards.filter((card) => card.vCard.includes('Progress Contact'))).toHaveLength(600);
    const line = await eventually(
      async () => {
        const text = await inExtensionPage<string | null>(
          session.thunderbird.marionette,
          'options.html',
          'return document.querySelector(\'[data-testid="sync-status"]\')?.textContent ?? null;',
        );
        // Another pass may follow (a late change event on a busy machine); it must end as well.
        return text?.includes('Last sync') && !text.includes('Syncing') ? text : undefined;
      },
      'the finished sync on the options page',
      90_000,
    );
    expect(line).not.toContain('so far');
  }, 240_000);
});
