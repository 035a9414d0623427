import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { leadListResponseSchema, partnerSchema, type Partner } from '@inbox-crm/shared/schemas';
import { ActivityList, Chatter, loadVisible, recordPageFallback } from '../chatter';
import { useConsole, useTranslate } from '../context';
import { followLink } from '../router';
import { ContactConflictsPanel } from '../sync-conflicts';
import { FormStatus, Page, formatMoney, useAsync } from '../ui';
import { useUserName } from './lead-page';

/** `/contacts/:id`: where the add-ins' "Open in CRM" lands for a contact or company (a partner). */
export function ContactPage(props: { partnerId: string }) {
  const { api } = useConsole();
  const t = useTranslate();
  const partner = useAsync(
    () =>
      loadVisible(() =>
        api.client.request({
          method: 'GET',
          path: `/partners/${encodeURIComponent(props.partnerId)}`,
          response: partnerSchema,
        }),
      ),
    [api, props.partnerId],
  );
  const fallback = recordPageFallback(partner, t('lead.customer'), t);
  if (fallback || !partner.data) return fallback;
  return <ContactRecord partner={partner.data} reload={partner.reload} />;
}

/** Street, then zip and city, then state and country: one line each, empty parts left out. */
export function addressLines(
  partner: Pick<Partner, 'street' | 'street2' | 'zip' | 'city' | 'stateCode' | 'countryCode'>,
): string[] {
  return [
    partner.street,
    partner.street2,
    [partner.zip, partner.city].filter(Boolean).join(' '),
    [partner.stateCode, partner.countryCode].filter(Boolean).join(', '),
  ].filter((line) => line.trim() !== '');
}

function ContactRecord(props: { partner: Partner; reload(): void }) {
  const { api, language } = useConsole();
  const t = useTranslate();
  const userName = useUserName();
  // A resolved sync conflict may change the contact and always adds a chatter note.
  const [chatterGeneration, setChatterGeneration] = useState(0);
  const { partner } = props;
  // A company's opportunities include those of its people (same commercial entity).
  const opportunities = useAsync(
    () =>
      api.client.request({
        method: 'GET',
        path: '/leads',
        query: {
          ...(partner.isCompany ? { commercialPartnerId: partner.id } : { partnerId: partner.id }),
          wonStatus: 'pending',
          sort: '-expectedRevenue',
          limit: 200,
        },
        response: leadListResponseSchema,
      }),
    [api, partner.id, partner.isCompany],
  );

  const emails =
    partner.emails.length > 0
      ? partner.emails.map((entry) => entry.email)
      : [partner.email].filter(Boolean);
  const phones =
    partner.phones.length > 0
      ? partner.phones.map((entry) => `${entry.number} (${t(`contact.phoneKind.${entry.kind}`)})`)
      : [partner.phone, partner.mobile].filter(Boolean);
  const address = addressLines(partner);
  const company =
    partner.parentId && !partner.isCompany ? (
      <a href={`/contacts/${encodeURIComponent(partner.parentId)}`} onClick={followLink}>
        {partner.companyName || partner.parentId}
      </a>
    ) : (
      partner.companyName || '—'
    );
  const rows: Array<[string, ComponentChildren]> = [
    [t('contact.company'), partner.isCompany ? '—' : company],
    [t('contact.jobPosition'), partner.jobPosition || '—'],
    [
      t('contact.emails'),
      emails.length > 0
        ? emails.map((email, index) => (
            <span key={email}>
              {index > 0 ? ', ' : ''}
              <a href={`mailto:${email}`}>{email}</a>
            </span>
          ))
        : '—',
    ],
    [t('contact.phones'), phones.join(' · ') || '—'],
    [
      t('contact.address'),
      address.length > 0 ? address.map((line) => <div key={line}>{line}</div>) : '—',
    ],
    [t('lead.salesperson'), userName(partner.userId)],
  ];

  return (
    <Page title={partner.displayName || partner.name}>
      {!partner.active ? <p class="banner banner-error">{t('common.archived')}</p> : null}
      <ContactConflictsPanel
        contactId={partner.id}
        onResolved={() => {
          props.reload();
          setChatterGeneration((value) => value + 1);
        }}
      />
      <div class="record-layout">
        <div>
          <section class="card" aria-label={partner.displayName || partner.name}>
            <dl class="record-fields">
              {rows.map(([label, value]) => (
                <div key={label} class="record-field">
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </section>
          <section class="card" aria-labelledby="opportunities-title">
            <h2 id="opportunities-title">{t('contact.opportunities')}</h2>
            <FormStatus errors={opportunities.error} />
            {opportunities.loading && !opportunities.data ? <p>{t('common.loading')}</p> : null}
            {opportunities.data && opportunities.data.items.length === 0 ? (
              <p class="muted">{t('contact.noOpportunities')}</p>
            ) : null}
            <ul class="opportunity-list" data-testid="contact-opportunities">
              {(opportunities.data?.items ?? []).map((lead) => (
                <li key={lead.id}>
                  <a href={`/leads/${encodeURIComponent(lead.id)}`} onClick={followLink}>
                    {lead.name}
                  </a>{' '}
                  <span class="muted">
                    {formatMoney(lead.expectedRevenue, language)} · {lead.probability} % ·{' '}
                    {userName(lead.userId)}
                  </span>
                </li>
              ))}
            </ul>
          </section>
          <ActivityList resModel="partner" resId={partner.id} userName={userName} />
        </div>
        <Chatter path="/partners" resId={partner.id} reloadKey={chatterGeneration} />
      </div>
    </Page>
  );
}
