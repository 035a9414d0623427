import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import {
  attachmentListResponseSchema,
  leadSchema,
  lostReasonListResponseSchema,
  partnerSchema,
  tagListResponseSchema,
  type Lead,
} from '@inbox-crm/shared/schemas';
import { ActivityList, AttachmentList, Chatter, loadVisible, recordPageFallback } from '../chatter';
import { useConsole, useTranslate } from '../context';
import { errorsFromApi, type FieldErrors } from '../forms';
import { loadStagesOfTeam, loadTeams, loadUserDirectory } from '../resources';
import { followLink } from '../router';
import { Button, FormStatus, Page, formatMoney, useAsync } from '../ui';
import { LostDialog } from './pipeline-page';

/** A user's name where the caller may list users, their own name, else the id (non-admins cannot list users). */
export function useUserName(): (userId: string | null) => string {
  const { api, me } = useConsole();
  const users = useAsync(() => loadUserDirectory(api), [api]);
  return (userId) => {
    if (!userId) return '—';
    if (userId === me?.id) return me.name;
    return users.data?.find((user) => user.id === userId)?.name ?? userId;
  };
}

/** `/leads/:id`: where the add-ins' "Open in CRM" lands for a lead or opportunity. */
export function LeadPage(props: { leadId: string }) {
  const { api } = useConsole();
  const t = useTranslate();
  const lead = useAsync(
    () =>
      loadVisible(() =>
        api.client.request({
          method: 'GET',
          path: `/leads/${encodeURIComponent(props.leadId)}`,
          response: leadSchema,
        }),
      ),
    [api, props.leadId],
  );
  const fallback = recordPageFallback(lead, t('lead.kind.opportunity'), t);
  if (fallback || !lead.data) return fallback;
  return <LeadRecord lead={lead.data} reload={lead.reload} />;
}

function LeadRecord(props: { lead: Lead; reload(): void }) {
  const { api, language } = useConsole();
  const t = useTranslate();
  const { lead } = props;
  const userName = useUserName();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [success, setSuccess] = useState<string | null>(null);
  const [losing, setLosing] = useState(false);
  const [chatterGeneration, setChatterGeneration] = useState(0);

  const related = useAsync(async () => {
    const [stages, teams, tags, lostReasons, partner, attachments] = await Promise.all([
      loadStagesOfTeam(api, lead.teamId ?? undefined),
      loadTeams(api, true),
      api.client.request({
        method: 'GET',
        path: '/tags',
        query: { kind: 'lead', limit: 200 },
        response: tagListResponseSchema,
      }),
      api.client.request({
        method: 'GET',
        path: '/lost-reasons',
        query: { limit: 200 },
        response: lostReasonListResponseSchema,
      }),
      lead.partnerId
        ? loadVisible(() =>
            api.client.request({
              method: 'GET',
              path: `/partners/${lead.partnerId}`,
              response: partnerSchema,
            }),
          )
        : Promise.resolve(null),
      api.client.request({
        method: 'GET',
        path: `/leads/${lead.id}/attachments`,
        response: attachmentListResponseSchema,
      }),
    ]);
    return {
      stages,
      teams,
      tags: tags.items,
      lostReasons: lostReasons.items,
      partner,
      attachments: attachments.items,
    };
  }, [api, lead.id, lead.teamId, lead.partnerId, chatterGeneration]);

  const run = async (action: () => Promise<unknown>, done: string) => {
    setErrors({});
    setSuccess(null);
    try {
      await action();
      setSuccess(done);
    } catch (error) {
      setErrors(errorsFromApi(error));
    } finally {
      props.reload();
      setChatterGeneration((value) => value + 1);
    }
  };
  const post = (action: 'won' | 'lost' | 'restore', body: object) =>
    api.client.request({
      method: 'POST',
      path: `/leads/${lead.id}/${action}`,
      body,
      response: leadSchema,
    });

  const data = related.data;
  const stageName = data?.stages.find((stage) => stage.id === lead.stageId)?.name ?? '—';
  const teamName = data?.teams.find((team) => team.id === lead.teamId)?.name ?? '—';
  const tagNames = lead.tagIds.map((id) => data?.tags.find((tag) => tag.id === id)?.name ?? id);
  const lostReason = data?.lostReasons.find((reason) => reason.id === lead.lostReasonId)?.name;
  const status =
    !lead.active || lead.wonStatus === 'lost'
      ? 'lost'
      : lead.wonStatus === 'won'
        ? 'won'
        : 'pending';
  const statusLabel =
    status === 'won'
      ? t('pipeline.won')
      : status === 'lost'
        ? t('pipeline.lost')
        : t('lead.status.pending');
  const customer = data?.partner ? (
    <a href={`/contacts/${encodeURIComponent(data.partner.id)}`} onClick={followLink}>
      {data.partner.displayName}
    </a>
  ) : (
    lead.partnerName || '—'
  );

  const actions = (
    <>
      {lead.active && lead.wonStatus !== 'won' ? (
        <Button
          variant="primary"
          onClick={() => void run(() => post('won', {}), t('lead.markedWon'))}
        >
          {t('pipeline.markWon')}
        </Button>
      ) : null}
      {lead.active ? (
        <Button variant="danger" onClick={() => setLosing(true)}>
          {t('pipeline.markLost')}
        </Button>
      ) : (
        <Button onClick={() => void run(() => post('restore', {}), t('lead.restored'))}>
          {t('common.restore')}
        </Button>
      )}
    </>
  );

  const rows: Array<[string, ComponentChildren]> = [
    [t('lead.customer'), customer],
    [t('lead.contactName'), lead.contactName || '—'],
    [
      t('lead.email'),
      lead.emailFrom ? <a href={`mailto:${lead.emailFrom}`}>{lead.emailFrom}</a> : '—',
    ],
    [t('lead.phone'), [lead.phone, lead.mobile].filter(Boolean).join(' · ') || '—'],
    [t('lead.salesperson'), userName(lead.userId)],
    [t('team.team'), teamName],
    [t('lead.stage'), stageName],
    [t('lead.probability'), `${lead.probability} %`],
    [t('pipeline.expected'), formatMoney(lead.expectedRevenue, language)],
    [
      t('pipeline.priority'),
      <span aria-label={`${t('pipeline.priority')}: ${lead.priority}`}>
        {'★'.repeat(Number(lead.priority)) || '☆'}
      </span>,
    ],
    [t('lead.deadline'), lead.dateDeadline ?? '—'],
    [t('lead.tags'), tagNames.length > 0 ? tagNames.join(', ') : '—'],
    [
      t('lead.status'),
      lostReason && status === 'lost' ? `${statusLabel} (${lostReason})` : statusLabel,
    ],
  ];

  return (
    <Page title={lead.name} actions={actions}>
      <p class="muted">
        {t(lead.type === 'lead' ? 'lead.kind.lead' : 'lead.kind.opportunity')} ·{' '}
        <span class={`status-badge status-${status}`} data-testid="lead-status">
          {statusLabel}
        </span>
      </p>
      <FormStatus errors={errors} success={success} />
      <FormStatus errors={related.error} />
      <div class="record-layout">
        <div>
          <section class="card" aria-label={lead.name}>
            <dl class="record-fields">
              {rows.map(([label, value]) => (
                <div key={label} class="record-field">
                  <dt>{label}</dt>
                  <dd>{value}</dd>
                </div>
              ))}
            </dl>
          </section>
          <ActivityList resModel="lead" resId={lead.id} userName={userName} />
          <section class="card" aria-labelledby="attachments-title">
            <h2 id="attachments-title">{t('attachments.title')}</h2>
            {data ? (
              <AttachmentList attachments={data.attachments} />
            ) : (
              <p>{t('common.loading')}</p>
            )}
          </section>
        </div>
        <Chatter
          path="/leads"
          resId={lead.id}
          attachments={data?.attachments}
          reloadKey={chatterGeneration}
        />
      </div>
      {losing ? (
        <LostDialog
          card={lead}
          reasons={data?.lostReasons ?? []}
          onCancel={() => setLosing(false)}
          onConfirm={(lostReasonId, closingNote) => {
            setLosing(false);
            void run(
              () =>
                post('lost', {
                  lostReasonId: lostReasonId || null,
                  ...(closingNote ? { closingNote } : {}),
                }),
              t('lead.markedLost'),
            );
          }}
        />
      ) : null}
    </Page>
  );
}
