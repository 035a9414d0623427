import type {
  MailContextResponse,
  MailRecordRef,
  OpportunityDraft,
} from '@inbox-crm/shared/schemas';
import { useEffect, useState } from 'preact/hooks';
import type { ContentGap } from '../../host/outlook-mail';
import type { OutlookMailSource } from '../../host/mail-selection';
import type { CrmGateway, DraftForm, MailActionResult } from '../crm-gateway';
import type { MessageKey, Translate } from '../i18n';
import { Avatar, CrmLink, Message, Spinner, errorText, type Tone } from '../ui';
import { RecordSearch } from './record-search';

const gapMessages: Record<ContentGap, MessageKey> = {
  'eml-unavailable': 'gapEml',
  'attachments-unavailable': 'gapAttachments',
  'attachment-skipped': 'gapAttachmentSkipped',
};

export function GapNotes({ t, gaps }: { t: Translate; gaps: Set<ContentGap> }) {
  if (gaps.size === 0) return null;
  return (
    <Message tone="warning">
      {[...gaps].map((gap) => (
        <p key={gap}>{t(gapMessages[gap])}</p>
      ))}
    </Message>
  );
}

function RecordLinks({
  t,
  gateway,
  records,
}: {
  t: Translate;
  gateway: CrmGateway;
  records: MailRecordRef[];
}) {
  return (
    <>
      {records.map((record) => (
        <p key={`${record.resModel}:${record.resId}`}>
          {t('alreadyInCrm', { name: record.name ?? record.resId })}{' '}
          <CrmLink
            href={gateway.recordUrl(record.resModel, record.resId)}
            label={t('openNamedInCrm', { name: record.name ?? record.resId })}
          >
            {t('openInCrm')}
          </CrmLink>
        </p>
      ))}
    </>
  );
}

function SenderCard({
  t,
  gateway,
  context,
  fallbackName,
}: {
  t: Translate;
  gateway: CrmGateway;
  context: MailContextResponse;
  fallbackName: string;
}) {
  const partner = context.sender.partner;
  const name = partner?.name ?? fallbackName;
  return (
    <section class="card" aria-labelledby="sender-heading">
      <h3 id="sender-heading">{t('senderCard')}</h3>
      <div class="person">
        <Avatar name={name} />
        <div>
          <div>
            {partner ? (
              <CrmLink
                href={gateway.recordUrl('partner', partner.id)}
                label={t('openNamedInCrm', { name })}
              >
                <strong>{name}</strong>
              </CrmLink>
            ) : (
              <strong>{name}</strong>
            )}
          </div>
          <div class="muted">{context.sender.email}</div>
          {partner?.jobPosition && <div class="muted">{partner.jobPosition}</div>}
        </div>
      </div>
      {!partner && <p class="muted">{t('notInCrm')}</p>}
      {context.sender.company && (
        <p>
          <span class="muted">{t('company')}: </span>
          <CrmLink
            href={gateway.recordUrl('partner', context.sender.company.id)}
            label={t('openNamedInCrm', { name: context.sender.company.name })}
          >
            {context.sender.company.name}
          </CrmLink>
        </p>
      )}
      {context.alreadyLoggedOn.length === 0 && context.threadOn.length > 0 && (
        <Message tone="warning">
          {context.threadOn.map((record) => (
            <p key={`${record.resModel}:${record.resId}`}>
              {t('threadInCrm', { name: record.name ?? record.resId })}{' '}
              <CrmLink
                href={gateway.recordUrl(record.resModel, record.resId)}
                label={t('openNamedInCrm', { name: record.name ?? record.resId })}
              >
                {t('openInCrm')}
              </CrmLink>
            </p>
          ))}
        </Message>
      )}
      {context.alreadyLoggedOn.length > 0 && (
        <Message tone="success">
          <RecordLinks t={t} gateway={gateway} records={context.alreadyLoggedOn} />
        </Message>
      )}
      <h3>{t('openOpportunities')}</h3>
      {context.openOpportunities.length === 0 ? (
        <p class="muted">{t('none')}</p>
      ) : (
        <ul class="plain" aria-label={t('openOpportunities')}>
          {context.openOpportunities.map((opportunity) => (
            <li key={opportunity.id}>
              <CrmLink href={gateway.recordUrl('lead', opportunity.id)}>{opportunity.name}</CrmLink>
              {opportunity.stageName && <span class="muted"> · {opportunity.stageName}</span>}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('recentActivities')}</h3>
      {context.recentActivities.length === 0 ? (
        <p class="muted">{t('none')}</p>
      ) : (
        <ul class="plain" aria-label={t('recentActivities')}>
          {context.recentActivities.map((activity) => (
            <li key={activity.id}>
              {activity.summary ?? activity.activityTypeName ?? ''}
              {activity.dateDeadline && <span class="muted"> · {activity.dateDeadline}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function OpportunityForm(props: {
  t: Translate;
  form: DraftForm;
  busy: boolean;
  onSubmit: (draft: OpportunityDraft) => void;
  onCancel: () => void;
}) {
  const { t, form } = props;
  const [name, setName] = useState(form.draft.name);
  const [contactName, setContactName] = useState(form.draft.contact?.name ?? '');
  const [companyName, setCompanyName] = useState(form.draft.companyName ?? '');
  const [revenue, setRevenue] = useState('');
  const [description, setDescription] = useState(form.draft.description ?? '');

  const submit = (event: Event) => {
    event.preventDefault();
    const draft: OpportunityDraft = {
      ...form.draft,
      name: name.trim(),
      description,
      companyName: companyName.trim() || null,
    };
    if (form.draft.contact)
      draft.contact = {
        ...form.draft.contact,
        name: contactName.trim() || form.draft.contact.email,
      };
    const amount = Number.parseFloat(revenue.replace(',', '.'));
    if (revenue.trim() !== '' && Number.isFinite(amount)) draft.expectedRevenue = amount;
    props.onSubmit(draft);
  };

  return (
    <form class="card" onSubmit={submit} aria-label={t('createOpportunity')}>
      <h2>{t('createOpportunity')}</h2>
      {form.fromForwardedMail && <p class="muted">{t('draftFromForwarded')}</p>}
      <label class="field">
        {t('opportunityName')}
        <input
          required
          maxLength={512}
          value={name}
          onInput={(event) => setName(event.currentTarget.value)}
        />
      </label>
      {form.draft.contact && (
        <label class="field">
          {t('contactName')}
          <input
            value={contactName}
            onInput={(event) => setContactName(event.currentTarget.value)}
          />
        </label>
      )}
      <label class="field">
        {t('companyName')}
        <input value={companyName} onInput={(event) => setCompanyName(event.currentTarget.value)} />
      </label>
      <label class="field">
        {t('expectedRevenue')}
        <input
          inputMode="decimal"
          value={revenue}
          onInput={(event) => setRevenue(event.currentTarget.value)}
        />
      </label>
      <label class="field">
        {t('description')}
        <textarea
          value={description}
          onInput={(event) => setDescription(event.currentTarget.value)}
        />
      </label>
      <div class="actions">
        <button type="submit" class="primary" disabled={props.busy || !name.trim()}>
          {t('create')}
        </button>
        <button type="button" onClick={props.onCancel} disabled={props.busy}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

/** One action's outcome as the sentence the user reads. */
export function describeResult(
  t: Translate,
  result: MailActionResult,
  fallbackName: string,
): { tone: Tone; text: string; record?: MailRecordRef } {
  const name = result.record?.name ?? fallbackName;
  const record = result.status === 'failed' ? undefined : result.record;
  switch (result.status) {
    case 'created':
      return {
        tone: 'success',
        text:
          result.record?.resModel === 'partner'
            ? t('contactAdded', { name })
            : t('opportunityCreated', { name }),
        record,
      };
    case 'logged':
      return { tone: 'success', text: t('logged', { name }), record };
    case 'already-in-crm':
      return {
        tone: 'warning',
        text:
          result.record?.resModel === 'partner'
            ? t('contactAlreadyInCrm', { name })
            : t('alreadyInCrm', { name }),
        record,
      };
    case 'queued-offline':
      return { tone: 'warning', text: result.reason ?? t('working') };
    case 'failed':
      return { tone: 'error', text: t('errorGeneric', { message: result.reason ?? '' }) };
  }
}

type Panel = { kind: 'none' } | { kind: 'create'; form: DraftForm } | { kind: 'log' };

/** One selected mail: the sender's CRM card and the three actions. */
export function MailView(props: { t: Translate; gateway: CrmGateway; source: OutlookMailSource }) {
  const { t, gateway, source } = props;
  const [context, setContext] = useState<MailContextResponse | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [panel, setPanel] = useState<Panel>({ kind: 'none' });
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{
    tone: Tone;
    text: string;
    record?: MailRecordRef;
  } | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let current = true;
    setLoadError(null);
    source
      .completeSummary()
      .then((summary) => gateway.mailContext(summary))
      .then(
        (value) => current && setContext(value),
        (error: unknown) => current && setLoadError(errorText(error)),
      );
    return () => {
      current = false;
    };
  }, [gateway, source, reload]);

  const senderName = source.summary.from?.name || source.summary.from?.address || '';

  const run = async (work: () => Promise<{ tone: Tone; text: string; record?: MailRecordRef }>) => {
    setBusy(true);
    setResult(null);
    try {
      const outcome = await work();
      setResult(outcome);
      if (outcome.tone !== 'error') {
        setPanel({ kind: 'none' });
        setReload((value) => value + 1);
      }
    } catch (error) {
      setResult({ tone: 'error', text: t('errorGeneric', { message: errorText(error) }) });
    } finally {
      setBusy(false);
    }
  };

  const openCreate = async () => {
    setBusy(true);
    setResult(null);
    try {
      setPanel({ kind: 'create', form: await gateway.buildDraft(source) });
    } catch (error) {
      setResult({ tone: 'error', text: t('errorGeneric', { message: errorText(error) }) });
    } finally {
      setBusy(false);
    }
  };

  const create = (draft: OpportunityDraft) =>
    run(async () => describeResult(t, await gateway.createOpportunity(source, draft), draft.name));

  const log = (hit: { resModel: 'lead' | 'partner'; resId: string; name: string }) =>
    run(async () =>
      describeResult(
        t,
        await gateway.logMail(source, { resModel: hit.resModel, resId: hit.resId }),
        hit.name,
      ),
    );

  const addContact = () =>
    run(async () =>
      describeResult(
        t,
        await gateway.addSenderAsContact(source, {
          freeMail: context?.sender.freeMailDomain ?? false,
        }),
        senderName,
      ),
    );

  return (
    <div class="stack" data-mail-state={context ? 'ready' : 'loading'}>
      {loadError && <Message tone="error">{t('errorGeneric', { message: loadError })}</Message>}
      {!context && !loadError && <Spinner label={t('loading')} />}
      {context && (
        <SenderCard t={t} gateway={gateway} context={context} fallbackName={senderName} />
      )}
      {result && (
        <Message tone={result.tone}>
          {result.text}
          {result.record && (
            <>
              {' '}
              <CrmLink
                href={gateway.recordUrl(result.record.resModel, result.record.resId)}
                label={t('openNamedInCrm', { name: result.record.name ?? result.record.resId })}
              >
                {t('openInCrm')}
              </CrmLink>
            </>
          )}
        </Message>
      )}
      {result && result.tone !== 'error' && <GapNotes t={t} gaps={source.gaps} />}
      {busy && <Spinner label={t('working')} />}
      {context && panel.kind === 'none' && (
        <div class="actions">
          <button type="button" class="primary" onClick={openCreate} disabled={busy}>
            {t('createOpportunity')}
          </button>
          <button type="button" onClick={() => setPanel({ kind: 'log' })} disabled={busy}>
            {t('logToRecord')}
          </button>
          {!context.sender.partner && (
            <button type="button" onClick={addContact} disabled={busy}>
              {t('addContact')}
            </button>
          )}
        </div>
      )}
      {panel.kind === 'create' && (
        <OpportunityForm
          t={t}
          form={panel.form}
          busy={busy}
          onSubmit={create}
          onCancel={() => setPanel({ kind: 'none' })}
        />
      )}
      {panel.kind === 'log' && (
        <>
          <RecordSearch t={t} gateway={gateway} actionLabel={t('logHere')} onPick={log} />
          <button type="button" onClick={() => setPanel({ kind: 'none' })}>
            {t('cancel')}
          </button>
        </>
      )}
    </div>
  );
}
