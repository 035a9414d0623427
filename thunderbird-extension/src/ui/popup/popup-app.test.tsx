/** @jest-environment jsdom */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import enMessages from '../../../public/_locales/en/messages.json';
import type { BackgroundRequest, PopupData, SendToBackground } from '../../background/protocol';
import { translateFromCatalogue } from '../i18n';
import { PopupApp } from './popup-app';

const t = translateFromCatalogue(enMessages);

const data: PopupData = {
  status: { configured: true, queue: { pending: [] }, sync: { state: 'idle', conflicts: 0 } },
  mail: {
    hostId: 7,
    subject: 'RFQ',
    fromName: 'Margaret Lindqvist',
    fromAddress: 'margaret@bluefin.example.com',
  },
  draft: {
    name: 'Request for quotation: 120 chairs',
    contact: { name: 'Margaret Lindqvist', email: 'margaret@bluefin.example.com' },
    companyName: 'Bluefin',
  },
  context: {
    sender: {
      email: 'margaret@bluefin.example.com',
      partner: null,
      company: null,
      freeMailDomain: false,
    },
    recipients: [],
    openOpportunities: [],
    recentActivities: [],
    alreadyLoggedOn: [{ resModel: 'lead', resId: 'L1', name: '<img src=x onerror=alert(1)>' }],
    threadOn: [],
  },
};

async function mount(answers: Partial<Record<BackgroundRequest['type'], unknown>>) {
  const sent: BackgroundRequest[] = [];
  const send = (async (request: BackgroundRequest) => {
    sent.push(request);
    return answers[request.type];
  }) as SendToBackground;
  const root = document.createElement('div');
  document.body.replaceChildren(root);
  await act(async () => {
    render(<PopupApp send={send} tabId={3} t={t} openOptions={() => undefined} />, root);
  });
  await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
  return { root, sent };
}

const button = (root: HTMLElement, action: string) =>
  root.querySelector<HTMLButtonElement>(`[data-action="${action}"]`)!;

describe('PopupApp', () => {
  it('shows the sender card and, as text, the records that already hold this mail', async () => {
    const { root, sent } = await mount({ 'popup/load': data });
    expect(sent[0]).toEqual({ type: 'popup/load', tabId: 3 });
    expect(root.querySelector('h1')!.textContent).toBe('Margaret Lindqvist');
    expect(root.textContent).toContain('This sender is not in the CRM yet.');
    const inCrm = root.querySelector('[data-testid="already-in-crm"]')!;
    expect(inCrm.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(inCrm.querySelector('img')).toBeNull();
    expect(button(root, 'add-contact')).not.toBeNull();
  });

  it('asks to connect first when the add-on is not configured', async () => {
    const { root } = await mount({
      'popup/load': { status: { ...data.status, configured: false } },
    });
    expect(root.textContent).toContain('Connect inbox-crm to your CRM server first.');
    expect(button(root, 'create')).toBeNull();
  });

  it('opens the prefilled draft, refuses an empty name, then sends the edited draft', async () => {
    const { root, sent } = await mount({
      'popup/load': data,
      'draft/choices': {
        teams: [
          {
            id: 'T1',
            name: 'Direct sales',
            stages: [
              { id: 'S1', name: 'New' },
              { id: 'S2', name: 'Proposal' },
            ],
          },
          { id: 'T2', name: 'Key accounts', stages: [{ id: 'S9', name: 'Qualified' }] },
        ],
        sharedStages: [],
        tags: [
          { id: 'G1', name: 'Furniture' },
          { id: 'G2', name: 'Trade fair' },
        ],
        defaultTeamId: 'T1',
      },
      'popup/create-opportunity': {
        kind: 'done',
        status: 'created',
        record: { resModel: 'lead', resId: 'L2', name: 'Chairs' },
      },
    });
    await act(async () => button(root, 'create').click());
    const name = root.querySelector<HTMLInputElement>('input[name="name"]')!;
    expect(name.value).toBe('Request for quotation: 120 chairs');

    const type = async (input: HTMLInputElement, value: string) =>
      act(async () => {
        input.value = value;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      });
    await type(name, '  ');
    await act(
      async () =>
        void root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true })),
    );
    expect(root.textContent).toContain('Required.');
    expect(sent.some((request) => request.type === 'popup/create-opportunity')).toBe(false);

    // The user's team and its first stage are preselected; the stage list follows the team.
    const team = root.querySelector<HTMLSelectElement>('select[name="teamId"]')!;
    const stage = () => root.querySelector<HTMLSelectElement>('select[name="stageId"]')!;
    expect(team.value).toBe('T1');
    expect(stage().value).toBe('S1');
    const choose = async (select: HTMLSelectElement, value: string) =>
      act(async () => {
        select.value = value;
        select.dispatchEvent(new Event('change', { bubbles: true }));
      });
    await choose(team, 'T2');
    expect([...stage().options].map((option) => option.textContent)).toEqual(['Qualified']);
    await choose(team, 'T1');
    await choose(stage(), 'S2');
    await act(async () => root.querySelector<HTMLInputElement>('input[value="G2"]')!.click());

    await type(name, 'Chairs');
    await type(root.querySelector<HTMLInputElement>('input[name="expectedRevenue"]')!, '4 800');
    await act(
      async () =>
        void root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true })),
    );
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
    const create = sent.find((request) => request.type === 'popup/create-opportunity');
    expect(create).toMatchObject({
      hostId: 7,
      draft: {
        name: 'Chairs',
        expectedRevenue: 4800,
        companyName: 'Bluefin',
        teamId: 'T1',
        stageId: 'S2',
        tagIds: ['G2'],
      },
    });
    expect(root.textContent).toContain('Created: Chairs');
  });

  it('still creates when teams and tags cannot be loaded, and says why the pickers are missing', async () => {
    const { root, sent } = await mount({
      'popup/load': data,
      'draft/choices': { teams: [], sharedStages: [], tags: [], error: 'Forbidden' },
      'popup/create-opportunity': {
        kind: 'done',
        status: 'created',
        record: { resModel: 'lead', resId: 'L3', name: 'Chairs' },
      },
    });
    await act(async () => button(root, 'create').click());
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(root.querySelector('[data-testid="choices-error"]')!.textContent).toContain('Forbidden');
    expect(root.querySelector('select[name="teamId"]')).toBeNull();
    await act(
      async () =>
        void root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true })),
    );
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
    const create = sent.find((request) => request.type === 'popup/create-opportunity') as
      { draft: Record<string, unknown> } | undefined;
    expect(create?.draft).toBeDefined();
    expect(Object.keys(create!.draft)).not.toContain('teamId');
  });

  it('links the card and results to the CRM console and opens them through the background', async () => {
    const known = {
      ...data,
      status: { ...data.status, serverUrl: 'https://crm.example.org' },
      context: {
        ...data.context!,
        sender: {
          ...data.context!.sender,
          partner: {
            id: 'P1',
            name: 'Margaret Lindqvist',
            isCompany: false,
            email: 'margaret@bluefin.example.com',
            phone: null,
            mobile: null,
            jobPosition: null,
            companyId: 'C1',
            companyName: 'Bluefin',
          },
        },
      },
    };
    const { root, sent } = await mount({ 'popup/load': known, 'open-record': { ok: true } });
    const contact = root.querySelector<HTMLAnchorElement>('[data-record="partner:P1"]')!;
    expect(contact.href).toBe('https://crm.example.org/contacts/P1');
    const logged = root.querySelector<HTMLAnchorElement>('[data-record="lead:L1"]')!;
    expect(logged.href).toBe('https://crm.example.org/leads/L1');
    await act(async () => logged.click());
    expect(sent.at(-1)).toEqual({
      type: 'open-record',
      record: { resModel: 'lead', resId: 'L1', name: '<img src=x onerror=alert(1)>' },
    });
  });

  it('shows what is queued while the server is unreachable', async () => {
    const queued = {
      ...data,
      status: {
        ...data.status,
        queue: {
          pending: [
            {
              id: 'q1',
              label: 'Create opportunity: Chairs',
              attempts: 2,
              lastError: 'The CRM server cannot be reached.',
            },
          ],
        },
      },
    };
    const { root } = await mount({ 'popup/load': queued });
    const queue = root.querySelector('[data-testid="queue"]')!;
    expect(queue.textContent).toContain('1 action(s) waiting for the CRM server:');
    expect(queue.textContent).toContain('Create opportunity: Chairs');
  });
});
