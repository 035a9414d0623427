import {
  errorResponseSchema,
  followBodySchema,
  followerListResponseSchema,
  followerParamsSchema,
  followerSchema,
  idParamsSchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import { chatterResources } from '../messages/record-resources';
import { followRecordAs, listRecordFollowers, unfollowRecordAs } from './follower.service';

const tag = 'Chatter';
const error = (description: string) => ({ description, schema: errorResponseSchema });

export const followersModule: AppModule = {
  name: 'followers',
  registerRoutes(router) {
    for (const { resModel, path, label } of chatterResources) {
      router.add(
        {
          method: 'get',
          path: `${path}/:id/followers`,
          summary: `Followers of a ${label}`,
          tag,
          params: idParamsSchema,
          responses: {
            200: { description: 'Followers (partners)', schema: followerListResponseSchema },
            404: error(`No such ${label}, or not visible to you`),
          },
        },
        async ({ actor, params }) => ({
          items: await listRecordFollowers(actor, resModel, params.id),
        }),
      );
      router.add(
        {
          method: 'post',
          path: `${path}/:id/followers`,
          summary: `Follow a ${label} (empty body), or subscribe a partner (needs write access)`,
          tag,
          params: idParamsSchema,
          body: followBodySchema,
          responses: {
            201: { description: 'Now following', schema: followerSchema },
            200: { description: 'Was already following', schema: followerSchema },
            400: error('Invalid input'),
            403: error('You may read but not change this record'),
            404: error(`No such ${label}, or not visible to you`),
          },
        },
        async ({ actor, params, body }) => {
          const { follower, created } = await followRecordAs(
            actor,
            resModel,
            params.id,
            body.partnerId,
          );
          return reply(created ? 201 : 200, follower);
        },
      );
      router.add(
        {
          method: 'delete',
          path: `${path}/:id/followers/:partnerId`,
          summary: `Unfollow a ${label} (your own partner), or remove a follower (needs write access)`,
          tag,
          params: followerParamsSchema,
          responses: {
            204: { description: 'Removed' },
            403: error('You may read but not change this record'),
            404: error('Not following, or no such record'),
          },
        },
        async ({ actor, params }) => {
          await unfollowRecordAs(actor, resModel, params.id, params.partnerId);
        },
      );
    }
  },
};
