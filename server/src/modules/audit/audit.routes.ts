import {
  auditEventSchema,
  listAuditEventsQuerySchema,
  listResponseSchema,
} from '@inbox-crm/shared/schemas';
import type { AppModule } from '../app-module';
import { listAuditEvents } from './audit.service';

export const auditModule: AppModule = {
  name: 'audit',
  registerRoutes(router) {
    router.add(
      {
        method: 'get',
        path: '/audit-events',
        summary: 'Sign-ins, token changes and admin changes, newest first (admins only)',
        tag: 'Audit',
        query: listAuditEventsQuerySchema,
        responses: {
          200: { description: 'Audit events', schema: listResponseSchema(auditEventSchema) },
          403: { description: 'Not an admin' },
        },
      },
      ({ actor, query }) => listAuditEvents(actor, query),
    );
  },
};
