import type { ContactSyncFeedResponse, ContactSyncPushResponse } from '@inbox-crm/shared/schemas';
import type { TestContext, TestUser } from '../../test-support/test-context';
import { buildActor } from '../auth/actor-factory';
import { UserModel } from '../users/user.model';

/** The user as the services see them (for CRM-side edits in sync tests). */
export async function actorOf(user: TestUser) {
  const record = await UserModel.findById(user.userId).lean();
  if (!record) throw new Error('test user missing');
  return buildActor(record, 'api-token');
}

/** The two sync requests an address book makes, as a Thunderbird laptop by default. */
export function contactSyncRequests(context: TestContext) {
  return {
    async push(
      user: TestUser,
      changes: unknown[],
      clientId = 'tb-laptop',
    ): Promise<ContactSyncPushResponse> {
      const response = await context.request
        .post('/api/v1/sync/contacts')
        .set(user.auth)
        .send({ clientId, host: 'thunderbird', device: "Sofia's laptop", changes });
      expect(response.status).toBe(200);
      return response.body as ContactSyncPushResponse;
    },
    async feed(user: TestUser, token?: string, limit?: number): Promise<ContactSyncFeedResponse> {
      const response = await context.request
        .get('/api/v1/sync/contacts')
        .query({ ...(token ? { token } : {}), ...(limit ? { limit } : {}) })
        .set(user.auth);
      expect(response.status).toBe(200);
      return response.body as ContactSyncFeedResponse;
    },
  };
}
