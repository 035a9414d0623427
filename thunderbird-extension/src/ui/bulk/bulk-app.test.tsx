/** @jest-environment jsdom */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import enMessages from '../../../public/_locales/en/messages.json';
import type { BackgroundRequest, BulkJobView, SendToBackground } from '../../background/protocol';
import { translateFromCatalogue } from '../i18n';
import { BulkApp } from './bulk-app';

const t = translateFromCatalogue(enMessages);

const job: BulkJobView = {
  id: 'J1',
  kind: 'create',
  state: 'done',
  total: 2,
  items: [
    {
      hostId: 1,
      subject: 'RFQ chairs',
      state: 'created',
      record: { resModel: 'lead', resId: 'L1', name: 'RFQ chairs' },
    },
    { hostId: 2, subject: 'Broken', state: 'failed', message: 'Server error' },
  ],
};

describe('BulkApp', () => {
  it('shows a result per mail, each record linked to its CRM page and opened by the background', async () => {
    const sent: BackgroundRequest[] = [];
    const answers: Partial<Record<BackgroundRequest['type'], unknown>> = {
      'bulk/get': job,
      status: {
        configured: true,
        serverUrl: 'https://crm.example.org',
        queue: { pending: [] },
        sync: { state: 'idle', conflicts: 0 },
      },
      'open-record': { ok: false, message: 'No browser configured.' },
    };
    const send = (async (request: BackgroundRequest) => {
      sent.push(request);
      return answers[request.type];
    }) as SendToBackground;
    const root = document.createElement('div');
    document.body.replaceChildren(root);
    await act(async () => render(<BulkApp send={send} jobId="J1" t={t} />, root));
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));

    expect(root.querySelector('[data-testid="bulk-summary"]')!.textContent).toContain('1');
    const link = root.querySelector<HTMLAnchorElement>('a[data-record="lead:L1"]')!;
    expect(link.href).toBe('https://crm.example.org/leads/L1');
    expect(root.querySelector('li[data-state="failed"]')!.textContent).toContain('Server error');
    await act(async () => link.click());
    await act(async () => new Promise((resolve) => setTimeout(resolve, 0)));
    expect(sent).toContainEqual({
      type: 'open-record',
      record: { resModel: 'lead', resId: 'L1', name: 'RFQ chairs' },
    });
    // The background's refusal reaches the user.
    expect(root.textContent).toContain('No browser configured.');
  });
});
