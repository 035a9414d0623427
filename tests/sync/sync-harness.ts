import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { apiResponseSchemas, createApiClient, type ApiClient } from '@inbox-crm/shared/api';
import type { SyncContact } from '@inbox-crm/shared/schemas';
import {
  createTestContext,
  type TestContext,
  type TestUser,
} from '../../server/src/test-support/test-context';

/** The real server stack on 127.0.0.1 (call inside a file that connected the test database). */
export interface SyncServerStack {
  context: TestContext;
  baseUrl: string;
  close(): Promise<void>;
}

export async function startSyncServer(): Promise<SyncServerStack> {
  const context = createTestContext();
  const server: Server = await new Promise((resolve) => {
    const listening = context.app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    context,
    baseUrl,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function apiClientFor(stack: SyncServerStack, user: TestUser): ApiClient {
  return createApiClient({
    baseUrl: stack.baseUrl,
    getAccessToken: async () => user.token,
    responseSchemas: apiResponseSchemas,
    retry: { retries: 2, baseDelayMs: 5, maxDelayMs: 20 },
  });
}

/** Edits made "in the CRM" (the console's partner API), as the same user. */
export function crmEditor(stack: SyncServerStack, user: TestUser) {
  const call = async (method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) => {
    const response = await fetch(`${stack.baseUrl}/api/v1${path}`, {
      method,
      headers: { ...user.auth, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status} ${text}`);
    return text ? (JSON.parse(text) as { id: string }) : undefined;
  };
  return {
    create: async (contact: {
      name: string;
      email: string;
      jobPosition?: string;
      city?: string;
      notes?: string;
    }) => (await call('POST', '/partners', { ...contact, email: contact.email }))!.id,
    update: (
      id: string,
      change: Partial<Pick<SyncContact, 'jobPosition' | 'city' | 'notes' | 'name'>>,
    ) => call('PATCH', `/partners/${id}`, change),
    remove: (id: string) => call('DELETE', `/partners/${id}`),
  };
}

/** The CRM's full view of the user's address book: a fresh pull without token, all pages. */
export async function serverSnapshot(api: ApiClient): Promise<Map<string, SyncContact>> {
  const contacts = new Map<string, SyncContact>();
  let token: string | undefined;
  for (;;) {
    const page = await api.pullContacts({ token, limit: 1000 });
    for (const change of page.changes) {
      if (change.deleted || !change.contact) contacts.delete(change.id);
      else contacts.set(change.id, change.contact);
    }
    token = page.nextToken;
    if (!page.hasMore) return contacts;
  }
}
