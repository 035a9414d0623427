import {
  createPartnerBodySchema,
  idParamsSchema,
  listPartnersQuerySchema,
  partnerListResponseSchema,
  partnerSchema,
  updatePartnerBodySchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import {
  archivePartner,
  createPartner,
  getPartner,
  listPartners,
  restorePartner,
  toPartnerDtos,
  updatePartner,
} from './partner.service';

export const partnersModule: AppModule = {
  name: 'partners',
  registerRoutes(router) {
    const tag = 'Partners';
    const one = async (record: Parameters<typeof toPartnerDtos>[0][number]) =>
      (await toPartnerDtos([record]))[0];
    router.add(
      {
        method: 'get',
        path: '/partners',
        summary:
          'List companies and contacts (search by name or e-mail prefix, exact e-mail, company…)',
        tag,
        query: listPartnersQuerySchema,
        responses: { 200: { description: 'Partners', schema: partnerListResponseSchema } },
      },
      ({ actor, query }) => listPartners(actor, query),
    );
    router.add(
      {
        method: 'get',
        path: '/partners/:id',
        summary: 'One partner',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'The partner', schema: partnerSchema },
          404: { description: 'No such partner' },
        },
      },
      ({ actor, params }) => getPartner(actor, params.id),
    );
    router.add(
      {
        method: 'post',
        path: '/partners',
        summary: 'Create a company or a contact',
        tag,
        body: createPartnerBodySchema,
        responses: {
          201: { description: 'Created', schema: partnerSchema },
          409: { description: 'An address-book reference is already taken' },
        },
      },
      async ({ actor, body }) => reply(201, await one(await createPartner(actor, body))),
    );
    router.add(
      {
        method: 'patch',
        path: '/partners/:id',
        summary: 'Change a partner (a company passes its address to its contacts)',
        tag,
        params: idParamsSchema,
        body: updatePartnerBodySchema,
        responses: {
          200: { description: 'Updated', schema: partnerSchema },
          404: { description: 'No such partner' },
        },
      },
      async ({ actor, params, body }) => one(await updatePartner(actor, params.id, body)),
    );
    router.add(
      {
        method: 'delete',
        path: '/partners/:id',
        summary: 'Archive a partner (it leaves lists and synced address books)',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'Archived', schema: partnerSchema },
          404: { description: 'No such partner' },
        },
      },
      async ({ actor, params }) => one(await archivePartner(actor, params.id)),
    );
    router.add(
      {
        method: 'post',
        path: '/partners/:id/restore',
        summary: 'Un-archive a partner',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'Restored', schema: partnerSchema },
          404: { description: 'No such partner' },
        },
      },
      async ({ actor, params }) => one(await restorePartner(actor, params.id)),
    );
  },
};
