import {
  contactConflictListQuerySchema,
  contactConflictListResponseSchema,
  contactConflictPageSchema,
  contactConflictResolveBodySchema,
  contactConflictResolveResponseSchema,
  contactSyncFeedQuerySchema,
  contactSyncFeedResponseSchema,
  contactSyncPushBodySchema,
  contactSyncPushResponseSchema,
  contactSyncSettingsSchema,
  idParamsSchema,
} from '@inbox-crm/shared/schemas';
import mongoose from 'mongoose';
import type { AppModule } from '../app-module';
import { pruneContactChanges, tombstoneRetentionMs } from './contact-change-log';
import { listContactConflicts, resolveContactConflict } from './contact-conflict.service';
import {
  applyClientChanges,
  getSyncSettings,
  readContactFeed,
  updateSyncSettings,
} from './contact-sync.service';

const tag = 'Contact sync';

/** Two-way address-book sync: the change feed, client change batches, settings, conflicts. */
export const contactSyncModule: AppModule = {
  name: 'contact-sync',
  install(_app, { config, logger }) {
    if (config.NODE_ENV === 'test') return;
    // Hourly: drop superseded states and tombstones past the retention (tokens older → 410).
    const timer = setInterval(() => {
      if (mongoose.connection.readyState !== mongoose.ConnectionStates.connected) return;
      pruneContactChanges(tombstoneRetentionMs).then(
        ({ removed, horizonSeq }) => {
          if (removed > 0) logger.info({ removed, horizonSeq }, 'contact change log pruned');
        },
        (error: unknown) => logger.error({ err: error }, 'contact change log pruning failed'),
      );
    }, 3_600_000);
    timer.unref();
  },
  registerRoutes(router) {
    router.add(
      {
        method: 'get',
        path: '/sync/contacts',
        summary: 'Contact changes since a sync token (no token: everything, paged)',
        description:
          'Latest state per contact since the token, tombstones for deleted ones. Store `nextToken` after applying the page; call again while `hasMore`. 410 with `details.reason = SYNC_TOKEN_EXPIRED`: drop the token and resync without one.',
        tag,
        query: contactSyncFeedQuerySchema,
        responses: {
          200: { description: 'One page of changes', schema: contactSyncFeedResponseSchema },
          410: { description: 'Token expired, foreign or from before a scope change: full resync' },
        },
      },
      ({ actor, query }) => readContactFeed(actor, query),
    );
    router.add(
      {
        method: 'post',
        path: '/sync/contacts',
        summary: 'Apply a batch of address-book changes (idempotent per change id)',
        description:
          'Each change carries a change id and the version it was based on; updates are merged three-way, conflicting client values are kept as conflict records. Replaying a batch returns the stored results.',
        tag,
        body: contactSyncPushBodySchema,
        responses: {
          200: { description: 'One result per change', schema: contactSyncPushResponseSchema },
        },
      },
      ({ actor, body }) => applyClientChanges(actor, body),
    );
    router.add(
      {
        method: 'get',
        path: '/sync/contacts/settings',
        summary: 'Which contacts my address book syncs',
        tag,
        responses: { 200: { description: 'Settings', schema: contactSyncSettingsSchema } },
      },
      ({ actor }) => getSyncSettings(actor),
    );
    router.add(
      {
        method: 'put',
        path: '/sync/contacts/settings',
        summary: 'Choose which contacts my address book syncs (own, opportunities, team)',
        description:
          'Changing the scope makes outstanding sync tokens expire (410): the next sync is a full one.',
        tag,
        body: contactSyncSettingsSchema,
        responses: { 200: { description: 'Settings', schema: contactSyncSettingsSchema } },
      },
      ({ actor, body }) => updateSyncSettings(actor, body),
    );
    router.add(
      {
        method: 'get',
        path: '/sync/contacts/:id/conflicts',
        summary: 'Open sync conflicts of a contact',
        tag,
        params: idParamsSchema,
        responses: {
          200: {
            description: 'Conflicts, newest first',
            schema: contactConflictListResponseSchema,
          },
        },
      },
      async ({ actor, params }) => ({
        items: (await listContactConflicts(actor, { contactId: params.id, limit: 200, offset: 0 }))
          .items,
      }),
    );
    router.add(
      {
        method: 'get',
        path: '/sync/conflicts',
        summary: 'Open sync conflicts on contacts I may read, newest first',
        tag,
        query: contactConflictListQuerySchema,
        responses: {
          200: { description: 'One page of open conflicts', schema: contactConflictPageSchema },
        },
      },
      ({ actor, query }) => listContactConflicts(actor, query),
    );
    router.add(
      {
        method: 'post',
        path: '/sync/conflicts/:id/resolve',
        summary: 'Resolve a sync conflict: keep the CRM value or use the address book’s value',
        description:
          '`keep-crm` leaves the CRM side. `use-device` writes the address book’s value into the contact as a normal CRM edit (new version, in every address book’s change feed, chatter note); for `emails[<address>]` it adds or removes that address; for `delete-vs-edit` it archives the contact. For `edit-vs-delete` (restored with the device’s edit), `keep-crm` archives it again and `use-device` keeps it. Not idempotent: a second resolve answers 409 with the stored `resolution`, `resolvedAt` and `resolvedBy` in `details`.',
        tag,
        params: idParamsSchema,
        body: contactConflictResolveBodySchema,
        responses: {
          200: {
            description: 'Resolved; the contact as stored afterwards',
            schema: contactConflictResolveResponseSchema,
          },
          400: {
            description: 'Bad resolution, or the device value cannot be applied (`resolution`)',
          },
          403: { description: 'The caller may not resolve conflicts of this contact' },
          404: { description: 'No such conflict, or its contact is not readable' },
          409: { description: 'Already resolved (details: resolution, resolvedAt, resolvedBy)' },
        },
      },
      ({ actor, params, body }) => resolveContactConflict(actor, params.id, body.resolution),
    );
  },
};
