/** @jest-environment jsdom */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import enMessages from '../../../public/_locales/en/messages.json';
import type {
  BackgroundRequest,
  ConflictView,
  SendToBackground,
  StatusView,
} from '../../background/protocol';
import { translateFromCatalogue } from '../i18n';
import { OptionsApp, SyncStatusLine } from './options-app';

const t = translateFromCatalogue(enMessages);

const status: StatusView = {
  configured: true,
  serverUrl: 'https://crm.example.org',
  signedInAs: 'Sofia Marin',
  queue: { pending: [] },
  sync: { state: 'idle', conflicts: 1 },
};
const conflict: ConflictView = {
  id: 'K1',
  contactId: 'P1',
  contactName: 'Margaret Lindqvist',
  field: 'jobPosition',
  kind: 'field',
  crmValue: 'Chief Procurement Officer',
  deviceValue: 'VP Procurement',
  canResolve: true,
};

const tick = () => act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

async function mount(answers: Partial<Record<BackgroundRequest['type'], unknown>>) {
  const events: string[] = [];
  const sent: BackgroundRequest[] = [];
  const send = (async (request: BackgroundRequest) => {
    events.push(`send ${request.type}`);
    sent.push(request);
    return answers[request.type];
  }) as SendToBackground;
  const requested: string[][] = [];
  const requestOrigins = async (origins: string[]) => {
    events.push('permissions.request');
    requested.push(origins);
    return true;
  };
  const root = document.createElement('div');
  document.body.replaceChildren(root);
  await act(async () => {
    render(
      <OptionsApp
        send={send}
        t={t}
        requestOrigins={requestOrigins}
        initialSync={{ enabled: true, intervalMinutes: 15, scope: 'own' }}
      />,
      root,
    );
  });
  await tick();
  return { root, sent, events, requested };
}

const typeInto = (input: HTMLInputElement, value: string) =>
  act(async () => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });

describe('OptionsApp', () => {
  it('asks for the server permission inside the click, before anything is awaited', async () => {
    const { root, events, requested } = await mount({
      status: { ...status, configured: false, serverUrl: undefined, signedInAs: undefined },
      'options/save-server': {
        ok: true,
        message: 'https://crm.example.org',
        originPattern: 'https://crm.example.org/*',
      },
      'options/test-connection': { ok: true, message: 'Connected as Sofia Marin.' },
      'options/auth-methods': { entra: { available: false }, redirectUri: 'https://x/' },
    });
    await typeInto(
      root.querySelector<HTMLInputElement>('input[name="serverUrl"]')!,
      'crm.example.org',
    );
    events.length = 0;
    await act(async () => root.querySelector<HTMLButtonElement>('#test-connection')!.click());
    await tick();
    // permissions.request must be the first thing the click does (Thunderbird needs the gesture).
    expect(events[0]).toBe('permissions.request');
    expect(requested[0]).toEqual(['https://crm.example.org/*']);
    expect(root.querySelector('[data-testid="connection-result"]')!.textContent).toBe(
      'Connected as Sofia Marin.',
    );
  });

  it('signs in with Microsoft without asking for tenant or client, requesting the authority too', async () => {
    const { root, sent, requested } = await mount({
      status,
      'options/auth-methods': {
        entra: { available: true, authorityOrigin: 'https://login.microsoftonline.us/*' },
        redirectUri: 'https://abc.extensions.allizom.org/',
      },
      'options/save-server': {
        ok: true,
        message: 'https://crm.example.org',
        originPattern: 'https://crm.example.org/*',
      },
      'options/sign-in-entra': { ok: true, message: 'Connected as Ana Popescu.' },
      'conflicts/list': { conflicts: [] },
    });
    expect(root.querySelector('input[name="tenantId"]')).toBeNull();
    expect(root.querySelector('[data-testid="redirect-uri"]')!.textContent).toBe(
      'https://abc.extensions.allizom.org/',
    );
    await act(async () => root.querySelector<HTMLButtonElement>('#sign-in-entra')!.click());
    await tick();
    expect(requested.at(-1)).toEqual([
      'https://crm.example.org/*',
      'https://login.microsoftonline.us/*',
    ]);
    expect(sent.at(-2)).toEqual({ type: 'options/sign-in-entra' });
    expect(root.textContent).toContain('Connected as Ana Popescu.');
  });

  it('hides Microsoft sign-in when the server does not offer it', async () => {
    const { root } = await mount({
      status,
      'options/auth-methods': { entra: { available: false }, redirectUri: 'https://x/' },
      'conflicts/list': { conflicts: [] },
    });
    expect(root.querySelector('#sign-in-entra')).toBeNull();
  });

  it('lists open conflicts with both values and resolves one with "Use mine"', async () => {
    const { root, sent } = await mount({
      status,
      'options/auth-methods': { entra: { available: false }, redirectUri: 'https://x/' },
      'conflicts/list': { conflicts: [conflict] },
      'conflicts/resolve': { ok: true, conflicts: [] },
    });
    const row = root.querySelector('[data-conflict="K1"]')!;
    expect(row.querySelector('[data-side="crm"]')!.textContent).toBe('Chief Procurement Officer');
    expect(row.querySelector('[data-side="device"]')!.textContent).toBe('VP Procurement');
    await act(async () =>
      row.querySelector<HTMLButtonElement>('[data-resolve="use-device"]')!.click(),
    );
    await tick();
    expect(sent).toContainEqual({
      type: 'conflicts/resolve',
      conflictId: 'K1',
      resolution: 'use-device',
    });
    expect(root.querySelector('[data-conflict="K1"]')).toBeNull();
    expect(root.textContent).toContain('Resolved: Margaret Lindqvist');
  });

  it('shows a value the CRM deleted as (deleted)', async () => {
    const { root } = await mount({
      status,
      'options/auth-methods': { entra: { available: false }, redirectUri: 'https://x/' },
      'conflicts/list': {
        conflicts: [{ ...conflict, kind: 'edit-vs-delete', crmValue: null }],
        error: undefined,
      },
    });
    expect(root.querySelector('[data-side="crm"]')!.textContent).toBe('(deleted)');
  });

  it('shows the progress of a running sync: a bar when the total is known, else the count so far', async () => {
    const root = document.createElement('div');
    document.body.replaceChildren(root);
    const running = (progress: { done: number; total?: number }) => ({
      ...status,
      sync: { state: 'running' as const, conflicts: 0, progress },
    });
    await act(async () =>
      render(<SyncStatusLine status={running({ done: 1000, total: 4000 })} t={t} />, root),
    );
    expect(root.textContent).toContain('1000 of 4000');
    expect(root.querySelector('progress')!.getAttribute('max')).toBe('4000');
    await act(async () => render(<SyncStatusLine status={running({ done: 250 })} t={t} />, root));
    expect(root.textContent).toContain('250 contacts so far');
    expect(root.querySelector('progress')).toBeNull();
  });
});
