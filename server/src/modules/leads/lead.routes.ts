import {
  convertLeadBodySchema,
  createLeadBodySchema,
  idParamsSchema,
  leadDuplicatesSchema,
  leadListResponseSchema,
  leadSchema,
  listLeadsQuerySchema,
  markLostBodySchema,
  mergeLeadsBodySchema,
  moveStageBodySchema,
  updateLeadBodySchema,
} from '@inbox-crm/shared/schemas';
import { z } from 'zod';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import {
  convertLead,
  createLead,
  findDuplicates,
  getLead,
  listLeads,
  markLost,
  markWon,
  mergeLeads,
  moveStage,
  restoreLead,
  updateLead,
} from './lead.service';

const emptyBodySchema = z.strictObject({});

export const leadsModule: AppModule = {
  name: 'leads',
  registerRoutes(router) {
    const tag = 'Leads';
    const notFound = { description: 'No such lead, or not visible to the caller' };
    const forbidden = { description: 'Visible but not writable by the caller' };
    const ok = (description: string) => ({ description, schema: leadSchema });
    router.add(
      {
        method: 'get',
        path: '/leads',
        summary: 'List leads and opportunities the caller may see (filters, sorting, pagination)',
        tag,
        query: listLeadsQuerySchema,
        responses: { 200: { description: 'Leads', schema: leadListResponseSchema } },
      },
      ({ actor, query }) => listLeads(actor, query),
    );
    router.add(
      {
        method: 'get',
        path: '/leads/:id',
        summary: 'One lead or opportunity',
        tag,
        params: idParamsSchema,
        responses: { 200: ok('The lead'), 404: notFound },
      },
      ({ actor, params }) => getLead(actor, params.id),
    );
    router.add(
      {
        method: 'post',
        path: '/leads',
        summary: 'Create a lead or an opportunity (salesperson: the caller unless given)',
        tag,
        body: createLeadBodySchema,
        responses: {
          201: ok('Created'),
          403: { description: 'Assigning to someone else needs "all leads" access' },
        },
      },
      async ({ actor, body }) => reply(201, await createLead(actor, body)),
    );
    router.add(
      {
        method: 'patch',
        path: '/leads/:id',
        summary: 'Change a lead (a new `stageId` is a stage move)',
        tag,
        params: idParamsSchema,
        body: updateLeadBodySchema,
        responses: {
          200: ok('Updated'),
          403: forbidden,
          404: notFound,
          409: { description: 'Lost leads must be restored before a stage move' },
        },
      },
      ({ actor, params, body }) => updateLead(actor, params.id, body),
    );
    router.add(
      {
        method: 'post',
        path: '/leads/:id/stage',
        summary: 'Move to a stage; the probability follows the stage when it says so',
        tag,
        params: idParamsSchema,
        body: moveStageBodySchema,
        responses: {
          200: ok('Moved'),
          403: forbidden,
          404: notFound,
          409: { description: 'The lead is lost' },
        },
      },
      ({ actor, params, body }) => moveStage(actor, params.id, body),
    );
    router.add(
      {
        method: 'post',
        path: '/leads/:id/won',
        summary: 'Mark won: won stage of the team, probability 100, closing date',
        tag,
        params: idParamsSchema,
        body: emptyBodySchema,
        responses: {
          200: ok('Won'),
          403: forbidden,
          404: notFound,
          409: { description: 'The team has no won stage' },
        },
      },
      ({ actor, params }) => markWon(actor, params.id),
    );
    router.add(
      {
        method: 'post',
        path: '/leads/:id/lost',
        summary: 'Mark lost: archived, probability 0, lost reason, closing note in the chatter',
        tag,
        params: idParamsSchema,
        body: markLostBodySchema,
        responses: { 200: ok('Lost'), 403: forbidden, 404: notFound },
      },
      ({ actor, params, body }) => markLost(actor, params.id, body),
    );
    router.add(
      {
        method: 'post',
        path: '/leads/:id/restore',
        summary: 'Restore a lost lead: active again, lost reason and closing date cleared',
        tag,
        params: idParamsSchema,
        body: emptyBodySchema,
        responses: {
          200: ok('Restored'),
          403: forbidden,
          404: notFound,
          409: { description: 'The lead is not lost' },
        },
      },
      ({ actor, params }) => restoreLead(actor, params.id),
    );
    router.add(
      {
        method: 'post',
        path: '/leads/:id/convert',
        summary:
          'Convert a lead to an opportunity: find or create the customer, optionally merge duplicates first',
        tag,
        params: idParamsSchema,
        body: convertLeadBodySchema,
        responses: {
          200: ok('Converted'),
          403: forbidden,
          404: notFound,
          409: { description: 'Already an opportunity, won or lost' },
        },
      },
      ({ actor, params, body }) => convertLead(actor, params.id, body),
    );
    router.add(
      {
        method: 'post',
        path: '/leads/:id/merge',
        summary:
          'Merge 2–5 records into the most advanced one (chatter, activities, attachments move)',
        tag,
        params: idParamsSchema,
        body: mergeLeadsBodySchema,
        responses: {
          200: ok('The merged record'),
          403: forbidden,
          404: notFound,
          409: { description: 'A won record cannot be merged' },
        },
      },
      ({ actor, params, body }) => mergeLeads(actor, params.id, body),
    );
    router.add(
      {
        method: 'get',
        path: '/leads/:id/duplicates',
        summary: 'Potential duplicates: same e-mail domain, same company, same phone',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'Duplicates per criterion', schema: leadDuplicatesSchema },
          404: notFound,
        },
      },
      ({ actor, params }) => findDuplicates(actor, params.id),
    );
  },
};
