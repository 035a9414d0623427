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
      draft: { name: 'Chairs', expectedRevenue: 4800, companyName: 'Bluefin' },
    });
    expect(root.textContent).toContain('Created: Chairs');
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
