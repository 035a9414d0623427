import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '@inbox-crm/shared/api';
import { createOfflineQueue } from '@inbox-crm/shared/offline';
import { createExtensionStore, createMemoryStorageArea } from '../host/extension-storage';
import type { MessageHeader, ThunderbirdBrowser } from '../host/thunderbird-api';
import { CrmConnection } from './crm-connection';
import { ExtensionService } from './extension-service';
import type { CrmApi } from './lazy-api';
import { deviceId, loadSettings, updateSettings } from './settings';

const fixture = readFileSync(
  path.resolve(
    __dirname,
    '..',
    '..',
    '..',
    '..',
    'shared',
    'fixtures',
    'mail',
    'rfq-office-chairs-en.eml',
  ),
);
const header: MessageHeader = {
  id: 11,
  headerMessageId: '3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com',
  subject: 'Request for quotation: 120 ergonomic office chairs',
  author: 'Margaret Lindqvist <margaret.lindqvist@bluefin-logistics.example.com>',
  recipients: ['sofia.marin@larchmont.example.net'],
  ccList: [],
  date: new Date('2026-11-10T10:35:02Z'),
  size: fixture.length,
};
const emptyContext = {
  sender: {
    email: 'margaret.lindqvist@bluefin-logistics.example.com',
    partner: null,
    company: null,
    freeMailDomain: false,
  },
  recipients: [],
  openOpportunities: [],
  recentActivities: [],
  alreadyLoggedOn: [],
  threadOn: [],
};

function setup() {
  const store = createExtensionStore(createMemoryStorageArea());
  const browser = {
    messages: {
      get: jest.fn(async () => header),
      getRaw: jest.fn(
        async () => new File([`X-Mozilla-Status: 0001\n`, fixture], 'message-11.eml'),
      ),
      getFull: jest.fn(async () => ({ headers: {} })),
    },
    messageDisplay: {
      getDisplayedMessages: jest.fn(async () => ({ id: null, messages: [header] })),
    },
    messageDisplayAction: {
      setBadgeText: jest.fn(),
      setBadgeBackgroundColor: jest.fn(),
      setTitle: jest.fn(),
    },
    identity: {
      getRedirectURL: () => 'https://x.extensions.allizom.org/',
      launchWebAuthFlow: jest.fn(),
    },
    windows: { openDefaultBrowser: jest.fn(async () => undefined) },
  } as unknown as ThunderbirdBrowser;
  let online = true;
  const offline = () =>
    new ApiError({ status: 0, code: 'network', message: 'Network error: refused' });
  const api = {
    me: jest.fn(async () => ({
      id: 'u1',
      login: 'sofia',
      name: 'Sofia Marin',
      email: 'sofia@x.example',
      accessLevel: 'own',
      isAdmin: false,
      teamIds: [],
      via: 'api-token',
    })),
    mailContext: jest.fn(async () => {
      if (!online) throw offline();
      return emptyContext;
    }),
    createOpportunityFromMail: jest.fn(async (body: { draft: { name: string } }) => {
      if (!online) throw offline();
      return {
        status: 'created',
        record: { resModel: 'lead', resId: 'L1', name: body.draft.name },
        attachmentIds: ['a1'],
        idempotencyKey: 'k',
      };
    }),
    logMail: jest.fn(),
    createContactFromMail: jest.fn(),
    listContactConflicts: jest.fn(),
    resolveContactConflict: jest.fn(),
  } as unknown as CrmApi;
  const connection = new CrmConnection({ store });
  const queue = createOfflineQueue({ storage: store, api });
  const sync = {
    status: async () => ({ state: 'idle' as const, conflicts: 0 }),
    runNow: jest.fn(),
    settingsChanged: jest.fn(),
    noteConflicts: jest.fn(async () => undefined),
  };
  const service = new ExtensionService({ browser, store, connection, api, queue, sync });
  return { service, store, api, setOnline: (value: boolean) => (online = value), browser, sync };
}

async function signIn(store: ReturnType<typeof setup>['store']) {
  await updateSettings(store, (settings) => ({
    ...settings,
    serverUrl: 'https://crm.example.org',
    signIn: { kind: 'api-token', token: 'icrm_x' },
  }));
}

describe('ExtensionService', () => {
  it('loads the popup: the displayed mail, its prefilled draft and the sender context', async () => {
    const { service, store, api } = setup();
    await signIn(store);
    const data = await service.handle({ type: 'popup/load', tabId: 4 });
    expect(data.mail).toMatchObject({
      hostId: 11,
      fromAddress: 'margaret.lindqvist@bluefin-logistics.example.com',
    });
    expect(data.draft).toMatchObject({
      name: 'Request for quotation: 120 ergonomic office chairs',
      companyName: 'Bluefin Logistics Ltd',
    });
    expect(data.context).toEqual(emptyContext);
    expect(api.mailContext).toHaveBeenCalledWith(
      expect.objectContaining({ messageId: '<3b1f6c0e-8a7d-4c52@bluefin-logistics.example.com>' }),
    );
  });

  it('says what to do when not configured, without calling the server', async () => {
    const { service, api } = setup();
    const data = await service.handle({ type: 'popup/load', tabId: 4 });
    expect(data).toEqual({ status: expect.objectContaining({ configured: false }) });
    expect(api.mailContext).not.toHaveBeenCalled();
  });

  it('queues a creation while the server is down and delivers it, .eml included, once it is back', async () => {
    const { service, store, api, setOnline } = setup();
    await signIn(store);
    setOnline(false);
    const outcome = await service.handle({
      type: 'popup/create-opportunity',
      hostId: 11,
      draft: { name: 'Chairs for Bluefin' },
    });
    expect(outcome.kind).toBe('queued');
    expect((await service.queueView()).pending).toEqual([
      expect.objectContaining({ label: 'Chairs for Bluefin' }),
    ]);

    setOnline(true);
    await service.flushQueue();
    expect((await service.queueView()).pending).toEqual([]);
    const [body, upload] = (api.createOpportunityFromMail as jest.Mock).mock.calls.at(-1)!;
    expect(body.draft.name).toBe('Chairs for Bluefin');
    // The archived mail is the original file, without Thunderbird's X-Mozilla-Status line.
    expect(Buffer.from(upload.eml).equals(fixture)).toBe(true);
  });

  it('refuses an insecure server address and a malformed token with a sentence the user can act on', async () => {
    const { service, store } = setup();
    const saved = await service.handle({
      type: 'options/save-server',
      serverUrl: 'http://crm.example.org',
    });
    expect(saved).toEqual({ ok: false, message: expect.stringContaining('Use https://') });
    const check = await service.handle({ type: 'options/use-api-token', token: 'hunter2' });
    expect(check).toEqual({ ok: false, message: expect.stringContaining('icrm_') });
    const settings = await loadSettings(store);
    expect(settings.serverUrl).toBeUndefined();
    expect(settings.signIn).toBeUndefined();
  });

  it('marks a displayed mail that is already in the CRM with a badge', async () => {
    const { service, store, api, browser } = setup();
    await signIn(store);
    (api.mailContext as jest.Mock).mockResolvedValueOnce({
      ...emptyContext,
      alreadyLoggedOn: [{ resModel: 'lead', resId: 'L1', name: 'Chairs' }],
    });
    await service.updateBadge(5, [11]);
    expect(browser.messageDisplayAction.setBadgeText).toHaveBeenCalledWith({ tabId: 5, text: '✓' });
    expect(browser.messageDisplayAction.setTitle).toHaveBeenCalledWith({
      tabId: 5,
      title: 'In the CRM: Chairs',
    });
  });

  it('opens a record in the default browser, only under the configured server', async () => {
    const { service, store, browser } = setup();
    expect(
      await service.handle({ type: 'open-record', record: { resModel: 'lead', resId: 'L1' } }),
    ).toMatchObject({ ok: false });
    await signIn(store);
    expect(
      await service.handle({ type: 'open-record', record: { resModel: 'partner', resId: 'P/1' } }),
    ).toEqual({ ok: true });
    expect(browser.windows.openDefaultBrowser).toHaveBeenCalledWith(
      'https://crm.example.org/contacts/P%2F1',
    );
  });

  describe('sync conflicts', () => {
    const conflict = (id: string, device: string, extra: Record<string, unknown> = {}) => ({
      id,
      contactId: 'P1',
      contactName: 'Margaret Lindqvist',
      kind: 'field',
      path: 'jobPosition',
      server: 'Chief Procurement Officer',
      client: 'VP Procurement',
      changeId: 'c',
      source: { clientId: 'engine-1', host: 'thunderbird', device },
      detectedAt: '2026-11-29T10:00:00Z',
      canResolve: true,
      ...extra,
    });

    async function withConflicts() {
      const context = setup();
      await signIn(context.store);
      const mine = await deviceId(context.store);
      (context.api.listContactConflicts as jest.Mock).mockResolvedValue({
        items: [
          conflict('K1', mine),
          conflict('K2', 'tb-another-profile'),
          conflict('K3', mine, { path: 'emails[m@old.example]', server: false, client: true }),
          conflict('K4', mine, { kind: 'delete-vs-edit', path: '', client: null }),
        ],
        total: 4,
        limit: 200,
        offset: 0,
      });
      return context;
    }

    it("lists this device's open conflicts with the CRM value beside the device's value", async () => {
      const { service, sync } = await withConflicts();
      const answer = await service.handle({ type: 'conflicts/list' });
      expect(answer.conflicts.map((item) => item.id)).toEqual(['K1', 'K3', 'K4']);
      expect(answer.conflicts[0]).toMatchObject({
        contactName: 'Margaret Lindqvist',
        field: 'jobPosition',
        crmValue: 'Chief Procurement Officer',
        deviceValue: 'VP Procurement',
      });
      expect(answer.conflicts[1]).toMatchObject({ crmValue: null, deviceValue: 'm@old.example' });
      expect(answer.conflicts[2]).toMatchObject({ kind: 'delete-vs-edit', deviceValue: null });
      expect(sync.noteConflicts).toHaveBeenCalledWith(3);
    });

    it('resolves with "use mine", syncs right away, and treats "already resolved" as done', async () => {
      const { service, api, sync } = await withConflicts();
      const resolved = await service.handle({
        type: 'conflicts/resolve',
        conflictId: 'K1',
        resolution: 'use-device',
      });
      expect(api.resolveContactConflict).toHaveBeenCalledWith('K1', 'use-device');
      expect(resolved.ok).toBe(true);
      expect(sync.runNow).toHaveBeenCalled();

      (api.resolveContactConflict as jest.Mock).mockRejectedValueOnce(
        new ApiError({ status: 409, code: 'conflict', message: 'already resolved' }),
      );
      const again = await service.handle({
        type: 'conflicts/resolve',
        conflictId: 'K1',
        resolution: 'keep-crm',
      });
      expect(again).toMatchObject({ ok: true, message: 'This conflict was already resolved.' });
    });

    it('says why when the CRM refuses', async () => {
      const { service, api } = await withConflicts();
      (api.resolveContactConflict as jest.Mock).mockRejectedValueOnce(
        new ApiError({ status: 403, code: 'forbidden', message: 'You may not edit this contact.' }),
      );
      const answer = await service.handle({
        type: 'conflicts/resolve',
        conflictId: 'K1',
        resolution: 'use-device',
      });
      expect(answer.ok).toBe(false);
      expect(answer.message).toBeTruthy();
      expect(answer.conflicts).toHaveLength(3);
    });
  });
});
