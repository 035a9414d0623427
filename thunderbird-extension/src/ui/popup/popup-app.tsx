import type { MailRecordRef } from '@inbox-crm/shared/schemas';
import { useEffect, useState } from 'preact/hooks';
import type { ActionOutcome, PopupData, SendToBackground } from '../../background/protocol';
import type { Translate } from '../i18n';
import { QueueNotice } from '../queue-notice';
import { type DraftForm, type DraftFormErrors, draftToForm, formToDraft } from './draft-form';

// The message display popup: the sender's CRM card and the three actions. Everything shown comes
// from the mail or the server and is rendered as text (JSX escapes it); no HTML is injected.

type Panel = 'card' | 'draft' | 'log';

export interface PopupProps {
  send: SendToBackground;
  tabId: number;
  t: Translate;
  openOptions: () => void;
}

export function PopupApp({ send, tabId, t, openOptions }: PopupProps) {
  const [data, setData] = useState<PopupData | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const [panel, setPanel] = useState<Panel>('card');
  const [outcome, setOutcome] = useState<ActionOutcome | undefined>();
  const [busy, setBusy] = useState(false);

  const load = () =>
    send({ type: 'popup/load', tabId })
      .then(setData)
      .catch((error: Error) => setLoadError(error.message));
  useEffect(() => void load(), [tabId]);

  const run = async (action: () => Promise<ActionOutcome>) => {
    setBusy(true);
    setOutcome(undefined);
    try {
      const result = await action();
      setOutcome(result);
      if (result.kind !== 'failed') {
        setPanel('card');
        await load();
      }
    } catch (error) {
      setOutcome({ kind: 'failed', message: (error as Error).message });
    } finally {
      setBusy(false);
    }
  };

  if (loadError)
    return (
      <p class="error" role="alert">
        {loadError}
      </p>
    );
  if (!data) return <p class="muted">{t('loading')}</p>;
  if (!data.status.configured) {
    return (
      <section>
        <p>{t('notConfigured')}</p>
        <button type="button" onClick={openOptions}>
          {t('openOptions')}
        </button>
      </section>
    );
  }
  if (!data.mail) return <p class="muted">{t('noMailDisplayed')}</p>;
  const hostId = data.mail.hostId;

  return (
    <main aria-busy={busy}>
      <SenderCard data={data} t={t} />
      {outcome && <OutcomeLine outcome={outcome} t={t} />}
      {panel === 'card' && (
        <nav class="actions">
          <button
            type="button"
            data-action="create"
            disabled={busy}
            onClick={() => setPanel('draft')}
          >
            {t('createOpportunity')}
          </button>
          <button type="button" data-action="log" disabled={busy} onClick={() => setPanel('log')}>
            {t('logToRecord')}
          </button>
          {!data.context?.sender.partner && (
            <button
              type="button"
              data-action="add-contact"
              disabled={busy}
              onClick={() => run(() => send({ type: 'popup/add-contact', hostId }))}
            >
              {t('addSenderAsContact')}
            </button>
          )}
        </nav>
      )}
      {panel === 'draft' && (
        <DraftEditor
          data={data}
          t={t}
          busy={busy}
          onCancel={() => setPanel('card')}
          onSubmit={(draft) => run(() => send({ type: 'popup/create-opportunity', hostId, draft }))}
        />
      )}
      {panel === 'log' && (
        <RecordPicker
          send={send}
          t={t}
          busy={busy}
          onCancel={() => setPanel('card')}
          onPick={(target) => run(() => send({ type: 'popup/log', hostId, target }))}
        />
      )}
      <QueueNotice
        queue={data.status.queue}
        t={t}
        onRetry={() => send({ type: 'queue/retry' }).then(load)}
      />
    </main>
  );
}

function SenderCard({ data, t }: { data: PopupData; t: Translate }) {
  const context = data.context;
  const sender = context?.sender;
  return (
    <section class="card" aria-label={t('senderCard')}>
      <h1>{sender?.partner?.name ?? data.mail?.fromName ?? data.mail?.fromAddress}</h1>
      <p class="muted">{data.mail?.fromAddress}</p>
      {sender?.company && <p>{sender.company.name}</p>}
      {sender?.partner?.jobPosition && <p class="muted">{sender.partner.jobPosition}</p>}
      {sender?.partner?.phone && <p>{sender.partner.phone}</p>}
      {data.contextError && (
        <p class="error" role="alert">
          {data.contextError}
        </p>
      )}
      {context && !sender?.partner && <p class="muted">{t('senderNotInCrm')}</p>}
      {context && context.alreadyLoggedOn.length > 0 && (
        <p class="in-crm" data-testid="already-in-crm">
          {t('alreadyInCrm')} <RecordList records={context.alreadyLoggedOn} />
        </p>
      )}
      {context && context.alreadyLoggedOn.length === 0 && context.threadOn.length > 0 && (
        <p class="in-crm">
          {t('threadInCrm')} <RecordList records={context.threadOn} />
        </p>
      )}
      {context && context.openOpportunities.length > 0 && (
        <>
          <h2>{t('openOpportunities')}</h2>
          <ul>
            {context.openOpportunities.map((opportunity) => (
              <li key={opportunity.id}>
                {opportunity.name}
                {opportunity.stageName && <span class="muted"> · {opportunity.stageName}</span>}
                {opportunity.expectedRevenue > 0 && (
                  <span class="muted"> · {opportunity.expectedRevenue.toLocaleString()}</span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
      {context && context.recentActivities.length > 0 && (
        <>
          <h2>{t('recentActivities')}</h2>
          <ul>
            {context.recentActivities.map((activity) => (
              <li key={activity.id}>
                {activity.activityTypeName ?? ''} {activity.summary ?? ''}
                {activity.dateDeadline && <span class="muted"> · {activity.dateDeadline}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function RecordList({ records }: { records: MailRecordRef[] }) {
  return <span>{records.map((record) => record.name ?? record.resId).join(', ')}</span>;
}

function OutcomeLine({ outcome, t }: { outcome: ActionOutcome; t: Translate }) {
  if (outcome.kind === 'failed')
    return (
      <p class="error" role="alert">
        {outcome.message}
      </p>
    );
  if (outcome.kind === 'queued')
    return (
      <p class="queued" role="status">
        {outcome.message}
      </p>
    );
  const key =
    outcome.status === 'created'
      ? 'resultCreated'
      : outcome.status === 'logged'
        ? 'resultLogged'
        : 'resultExisting';
  return (
    <p class="ok" role="status">
      {t(key, outcome.record.name ?? outcome.record.resId)}
    </p>
  );
}

function DraftEditor(props: {
  data: PopupData;
  t: Translate;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (draft: NonNullable<PopupData['draft']>) => void;
}) {
  const { t } = props;
  const [form, setForm] = useState<DraftForm>(() => draftToForm(props.data.draft));
  const [errors, setErrors] = useState<DraftFormErrors>({});
  const field = (
    name: keyof DraftForm,
    label: string,
    type: 'text' | 'email' | 'date' = 'text',
  ) => (
    <label>
      {t(label)}
      {/* preact's input types are a union per type; the three used here share every prop */}
      <input
        type={type as 'text'}
        name={name}
        value={form[name]}
        aria-invalid={errors[name] ? 'true' : undefined}
        onInput={(event) =>
          setForm({ ...form, [name]: (event.currentTarget as HTMLInputElement).value })
        }
      />
      {errors[name] && <span class="error">{t(errors[name]!)}</span>}
    </label>
  );
  const submit = (event: Event) => {
    event.preventDefault();
    const checked = formToDraft(form, props.data.draft);
    if (checked.errors) return setErrors(checked.errors);
    setErrors({});
    props.onSubmit(checked.draft);
  };
  return (
    <form class="draft" onSubmit={submit}>
      {field('name', 'fieldName')}
      {field('contactName', 'fieldContactName')}
      {field('contactEmail', 'fieldContactEmail', 'email')}
      {field('companyName', 'fieldCompany')}
      {field('expectedRevenue', 'fieldExpectedRevenue')}
      {field('dateDeadline', 'fieldExpectedClosing', 'date')}
      <label>
        {t('fieldPriority')}
        <select
          name="priority"
          value={form.priority}
          onChange={(event) =>
            setForm({
              ...form,
              priority: (event.currentTarget as HTMLSelectElement).value as DraftForm['priority'],
            })
          }
        >
          <option value="0">{t('priorityLow')}</option>
          <option value="1">{t('priorityMedium')}</option>
          <option value="2">{t('priorityHigh')}</option>
          <option value="3">{t('priorityVeryHigh')}</option>
        </select>
      </label>
      <p class="muted">{t('emlWillBeArchived')}</p>
      <div class="buttons">
        <button type="submit" disabled={props.busy}>
          {t('createOpportunity')}
        </button>
        <button type="button" onClick={props.onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

export function RecordPicker(props: {
  send: SendToBackground;
  t: Translate;
  busy: boolean;
  onCancel: () => void;
  onPick: (record: MailRecordRef) => void;
}) {
  const { t } = props;
  const [query, setQuery] = useState('');
  const [records, setRecords] = useState<MailRecordRef[]>([]);
  const [error, setError] = useState<string | undefined>();
  useEffect(() => {
    if (query.trim().length < 2) return setRecords([]);
    const timer = setTimeout(() => {
      props
        .send({ type: 'records/search', query: query.trim() })
        .then((answer) => {
          setRecords(answer.records);
          setError(answer.error);
        })
        .catch((failure: Error) => setError(failure.message));
    }, 250);
    return () => clearTimeout(timer);
  }, [query]);
  return (
    <section class="picker">
      <label>
        {t('searchRecords')}
        <input
          type="search"
          value={query}
          onInput={(event) => setQuery((event.currentTarget as HTMLInputElement).value)}
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <ul>
        {records.map((record) => (
          <li key={`${record.resModel}:${record.resId}`}>
            <button type="button" disabled={props.busy} onClick={() => props.onPick(record)}>
              {record.name ?? record.resId}{' '}
              <span class="muted">({t(`model_${record.resModel}`)})</span>
            </button>
          </li>
        ))}
      </ul>
      <button type="button" onClick={props.onCancel}>
        {t('cancel')}
      </button>
    </section>
  );
}
