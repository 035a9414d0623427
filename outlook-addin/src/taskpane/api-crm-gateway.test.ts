import { createApiCrmGateway } from './api-crm-gateway';

/** The settings panel's Outlook contact sync line, read from the server's status endpoint. */
describe('Outlook contact sync status through the gateway', () => {
  function gatewayAnswering(status: number, body: unknown) {
    const requests: string[] = [];
    const fetchStub: typeof fetch = async (input) => {
      requests.push(String(input));
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
      lastSyncAt: '2026-11-29T10:00:00.000Z',
      lastError: 'Graph did not answer',
    });
    expect(requests).toEqual(['http://127.0.0.1:9/api/v1/outlook-sync/status']);
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
});
