import { createApiCrmGateway } from './api-crm-gateway';

/** The settings panel's Outlook contact sync line, read from the server's status endpoint. */
describe('Outlook contact sync status through the gateway', () => {
  function gatewayAnswering(status: number, body: unknown) {
    const requests: string[] = [];
    const fetchStub: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      const sent = init?.body ? ` ${String(init.body)}` : '';
      requests.push(`${request.method} ${request.url}${sent}`);
      return new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      });
    };
    const gateway = createApiCrmGateway({
      origin: 'http://127.0.0.1:9',
      getAccessToken: async () => 'icrm_test',
      fetch: fetchStub,
    });
    return { gateway, requests };
  }

  it('maps the server status to what the panel shows', async () => {
    const { gateway, requests } = gatewayAnswering(200, {
      available: true,
      enabled: true,
      lastSuccessAt: '2026-11-29T10:00:00.000Z',
      lastError: {
        code: 'graph_unreachable',
        message: 'Graph did not answer',
        at: '2026-11-29T11:00:00.000Z',
      },
    });
    await expect(gateway.outlookContactSyncStatus()).resolves.toEqual({
      enabled: true,
      folderName: 'CRM',
      microsoftAccount: null,
      lastSyncAt: '2026-11-29T10:00:00.000Z',
      lastError: 'Graph did not answer',
      contactCount: 0,
      running: false,
    });
    expect(requests).toEqual(['GET http://127.0.0.1:9/api/v1/outlook-sync/status']);
  });

  it('reports no status when the server has no Entra configuration', async () => {
    const { gateway } = gatewayAnswering(200, { available: false, enabled: false });
    await expect(gateway.outlookContactSyncStatus()).resolves.toBeNull();
  });

  it('refuses an answer that is not a status, with a readable error', async () => {
    const { gateway } = gatewayAnswering(200, { hello: 'world' });
    await expect(gateway.outlookContactSyncStatus()).rejects.toMatchObject({
      code: 'invalid_response',
    });
  });

  it('turns the sync on with the Microsoft token, runs it now, and turns it off', async () => {
    const { gateway, requests } = gatewayAnswering(200, {
      available: true,
      enabled: true,
      folderName: 'CRM',
      lastSuccessAt: null,
      lastError: null,
      contactCount: 7,
      running: false,
    });
    await expect(gateway.enableOutlookContactSync('eyJ.entra.token')).resolves.toMatchObject({
      enabled: true,
      contactCount: 7,
    });
    await gateway.runOutlookContactSync();
    await gateway.disableOutlookContactSync();
    expect(requests).toEqual([
      'POST http://127.0.0.1:9/api/v1/outlook-sync/consent {"accessToken":"eyJ.entra.token"}',
      'POST http://127.0.0.1:9/api/v1/outlook-sync/run',
      'DELETE http://127.0.0.1:9/api/v1/outlook-sync/consent',
    ]);
  });

  it('passes the server refusal on with its reason', async () => {
    const { gateway } = gatewayAnswering(409, {
      error: {
        code: 'conflict',
        message: 'Your Outlook contacts are being synced right now',
        details: { reason: 'sync_running' },
      },
    });
    await expect(gateway.runOutlookContactSync()).rejects.toMatchObject({
      status: 409,
      details: { reason: 'sync_running' },
    });
  });
});
