import {
  createQuotationFromLeadBodySchema,
  errorResponseSchema,
  idParamsSchema,
  listQuotationsQuerySchema,
  quotationListResponseSchema,
  quotationSchema,
  updateQuotationBodySchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import {
  createQuotationFromLead,
  getQuotation,
  listQuotations,
  updateQuotation,
} from './quotation.service';

const tag = 'Quotations';
const error = (description: string) => ({ description, schema: errorResponseSchema });

export const quotationsModule: AppModule = {
  name: 'quotations',
  registerRoutes(router) {
    router.add(
      {
        method: 'post',
        path: '/leads/:id/quotations',
        summary:
          "New quotation from an opportunity (customer required: the opportunity's, or given/created)",
        tag,
        params: idParamsSchema,
        body: createQuotationFromLeadBodySchema,
        responses: {
          201: { description: 'Created (draft)', schema: quotationSchema },
          400: error('Invalid input or no customer'),
          403: error('You may read but not change this opportunity'),
          404: error('No such opportunity, or not visible to you'),
          409: error('A lead (convert it first) or a lost opportunity'),
        },
      },
      async ({ actor, params, body }) =>
        reply(201, await createQuotationFromLead(actor, params.id, body)),
    );
    router.add(
      {
        method: 'get',
        path: '/quotations',
        summary: 'List quotations and sales orders (filters: opportunity, partner, state, mine)',
        tag,
        query: listQuotationsQuerySchema,
        responses: { 200: { description: 'Newest first', schema: quotationListResponseSchema } },
      },
      ({ actor, query }) => listQuotations(actor, query),
    );
    router.add(
      {
        method: 'get',
        path: '/quotations/:id',
        summary: 'Get a quotation',
        tag,
        params: idParamsSchema,
        responses: {
          200: { description: 'The quotation', schema: quotationSchema },
          404: error('Unknown'),
        },
      },
      ({ actor, params }) => getQuotation(actor, params.id),
    );
    router.add(
      {
        method: 'patch',
        path: '/quotations/:id',
        summary: 'Change lines, customer or state (send, confirm, cancel, back to quotation)',
        tag,
        params: idParamsSchema,
        body: updateQuotationBodySchema,
        responses: {
          200: { description: 'Updated', schema: quotationSchema },
          400: error('Invalid input'),
          404: error('Unknown'),
          409: error('Not allowed in this state, or changed meanwhile'),
        },
      },
      ({ actor, params, body }) => updateQuotation(actor, params.id, body),
    );
  },
};
