import { auditEventSchema, listResponseSchema } from '@inbox-crm/shared/schemas';
import { useConsole, useTranslate } from '../context';
import { FormStatus, Page, formatDateTime, useAsync } from '../ui';

const auditListSchema = listResponseSchema(auditEventSchema);

export function AuditPage() {
  const { api, language } = useConsole();
  const t = useTranslate();
  const events = useAsync(
    () =>
      api.client.request({
        method: 'GET',
        path: '/audit-events',
        query: { limit: 100 },
        response: auditListSchema,
      }),
    [api],
  );
  return (
    <Page title={t('audit.title')}>
      <FormStatus errors={events.error} />
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t('audit.when')}</th>
            <th scope="col">{t('audit.who')}</th>
            <th scope="col">{t('audit.action')}</th>
            <th scope="col">{t('audit.summary')}</th>
          </tr>
        </thead>
        <tbody>
          {(events.data?.items ?? []).map((event) => (
            <tr key={event.id} class={event.outcome === 'failure' ? 'failure' : ''}>
              <td>{formatDateTime(event.at, language)}</td>
              <td>{event.actorLogin ?? ''}</td>
              <td>
                <code>{event.action}</code>
              </td>
              <td>{event.summary}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Page>
  );
}
