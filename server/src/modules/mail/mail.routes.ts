import {
  mailContactBodySchema,
  mailContactResponseSchema,
  mailContextQuerySchema,
  mailContextResponseSchema,
  mailLogBodySchema,
  mailLogResponseSchema,
  mailToOpportunityBatchBodySchema,
  mailToOpportunityBatchResponseSchema,
  mailToOpportunityBodySchema,
  mailToOpportunityResponseSchema,
} from '@inbox-crm/shared/schemas';
import { reply } from '../../http/api-router';
import type { AppModule } from '../app-module';
import { readMailRequest } from './mail-request';
import {
  createContactFromMail,
  createOpportunitiesFromMails,
  createOpportunityFromMail,
  getMailContext,
  logMailToRecord,
} from './mail.service';

const tag = 'Mail';
const uploadNote =
  'Send JSON, or multipart/form-data with a `payload` field holding the same JSON and an `eml` file part (the raw message, archived in the chatter; larger than MAIL_MAX_BYTES → 413).';

/** What the add-ins do beside a mail: context card, create opportunity, log mail, add contact. */
export const mailModule: AppModule = {
  name: 'mail',
  registerRoutes(router, { config }) {
    router.add(
      {
        method: 'get',
        path: '/mail/context',
        summary: "The sender's CRM card and whether this mail or its thread is already in the CRM",
        tag,
        query: mailContextQuerySchema,
        responses: { 200: { description: 'Context', schema: mailContextResponseSchema } },
      },
      ({ actor, query }) => getMailContext(actor, query),
    );
    router.add(
      {
        method: 'post',
        path: '/mail/opportunities',
        summary:
          'Create an opportunity (or lead, per team settings) from a mail; once per Message-ID',
        description: uploadNote,
        tag,
        body: mailToOpportunityBodySchema,
        bodyKind: 'multipart',
        responses: {
          201: { description: 'Created', schema: mailToOpportunityResponseSchema },
          200: {
            description: 'This mail was already turned into a record',
            schema: mailToOpportunityResponseSchema,
          },
          413: { description: 'The .eml is larger than the limit' },
        },
      },
      async ({ actor, req }) => {
        const { body, eml } = await readMailRequest(
          req,
          mailToOpportunityBodySchema,
          config.MAIL_MAX_BYTES,
        );
        const outcome = await createOpportunityFromMail(actor, body, eml);
        return reply(outcome.created ? 201 : 200, outcome.result);
      },
    );
    router.add(
      {
        method: 'post',
        path: '/mail/opportunities/batch',
        summary: 'Create opportunities from several selected mails, one result per mail',
        tag,
        body: mailToOpportunityBatchBodySchema,
        responses: {
          200: { description: 'One result per mail', schema: mailToOpportunityBatchResponseSchema },
        },
      },
      ({ actor, body }) => createOpportunitiesFromMails(actor, body.items),
    );
    router.add(
      {
        method: 'post',
        path: '/mail/log',
        summary:
          'Log a mail on an existing lead, opportunity or contact; once per Message-ID and record',
        description: uploadNote,
        tag,
        body: mailLogBodySchema,
        bodyKind: 'multipart',
        responses: {
          201: { description: 'Logged', schema: mailLogResponseSchema },
          200: { description: 'Already on that record', schema: mailLogResponseSchema },
          404: { description: 'No such record, or not readable' },
          413: { description: 'The .eml is larger than the limit' },
        },
      },
      async ({ actor, req }) => {
        const { body, eml } = await readMailRequest(req, mailLogBodySchema, config.MAIL_MAX_BYTES);
        const outcome = await logMailToRecord(actor, body, eml);
        return reply(outcome.created ? 201 : 200, outcome.result);
      },
    );
    router.add(
      {
        method: 'post',
        path: '/mail/contacts',
        summary: 'Add the sender as a contact (an existing partner with that address is returned)',
        tag,
        body: mailContactBodySchema,
        responses: {
          201: { description: 'Created', schema: mailContactResponseSchema },
          200: {
            description: 'A contact with this address exists',
            schema: mailContactResponseSchema,
          },
        },
      },
      async ({ actor, body }) => {
        const outcome = await createContactFromMail(actor, body);
        return reply(outcome.created ? 201 : 200, outcome.result);
      },
    );
  },
};
