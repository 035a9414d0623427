import {
  createTagBodySchema,
  idParamsSchema,
  listTagsQuerySchema,
  tagListResponseSchema,
  tagSchema,
  updateTagBodySchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import { createTag, deleteTag, getTag, listTags, toTagDto, updateTag } from './tag.service';

export const tagsModule: AppModule = {
  name: 'tags',
  registerRoutes(router) {
    const tag = 'Tags';
    router.add(
      {
        method: 'get',
        path: '/tags',
        summary: 'List lead and partner tags',
        tag,
        query: listTagsQuerySchema,
        responses: { 200: { description: 'Tags', schema: tagListResponseSchema } },
      },
      ({ actor, query }) => listTags(actor, query),
    );
    router.add(
      {
        method: 'get',
        path: '/tags/:id',
        summary: 'One tag',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'The tag', schema: tagSchema },
          404: { description: 'No such tag' },
        },
      },
      async ({ actor, params }) => toTagDto(await getTag(actor, params.id)),
    );
    router.add(
      {
        method: 'post',
        path: '/tags',
        summary: 'Create a tag (any salesperson)',
        tag,
        body: createTagBodySchema,
        responses: {
          201: { description: 'Created', schema: tagSchema },
          409: { description: 'A tag of that kind has this name' },
        },
      },
      async ({ actor, body }) => reply(201, toTagDto(await createTag(actor, body))),
    );
    router.add(
      {
        method: 'patch',
        path: '/tags/:id',
        summary: 'Rename or recolour a tag',
        tag,
        params: idParamsSchema,
        body: updateTagBodySchema,
        responses: {
          200: { description: 'Updated', schema: tagSchema },
          404: { description: 'No such tag' },
          409: { description: 'Name taken' },
        },
      },
      async ({ actor, params, body }) => toTagDto(await updateTag(actor, params.id, body)),
    );
    router.add(
      {
        method: 'delete',
        path: '/tags/:id',
        summary: 'Delete a tag and remove it from every record (managers)',
        tag,
        params: idParamsSchema,
        responses: {
          204: { description: 'Deleted' },
          403: { description: 'Not a manager' },
          404: { description: 'No such tag' },
        },
      },
      async ({ actor, params }) => {
        await deleteTag(actor, params.id);
      },
    );
  },
};
