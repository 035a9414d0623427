import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '@inbox-crm/shared/api';
import { createOfflineQueue } from '@inbox-crm/shared/offline';
import { createExtensionStore, createMemoryStorageArea } from '../host/extension-storage';
import type { MessageHeader, ThunderbirdBrowser } from '../host/thunderbird-api';
import { CrmConnection } from './crm-connection';
import { ExtensionService } from './extension-service';
import type { CrmApi } from './lazy-api';
import { loadSettings, updateSettings } from './settings';

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
  } as unknown as CrmApi;
  const connection = new CrmConnection({ store });
  const queue = createOfflineQueue({ storage: store, api });
  const sync = {
    status: async () => ({ state: 'idle' as const, conflicts: 0 }),
    runNow: jest.fn(),
    settingsChanged: jest.fn(),
  };
  const service = new ExtensionService({ browser, store, connection, api, queue, sync });
  return { service, store, api, setOnline: (value: boolean) => (online = value), browser };
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
});
