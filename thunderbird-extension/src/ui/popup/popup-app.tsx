import type { MailRecordRef } from '@inbox-crm/shared/schemas';
import { useEffect, useState } from 'preact/hooks';
import type {
  ActionOutcome,
  DraftChoices,
  PopupData,
  SendToBackground,
} from '../../background/protocol';
import type { Translate } from '../i18n';
import { QueueNotice } from '../queue-notice';
import { type Links, RecordLink, type RecordRef } from '../record-link';
import {
  applyChoiceDefaults,
  type DraftForm,
  type DraftFormErrors,
  draftToForm,
  formToDraft,
  selectTeam,
  stagesFor,
} from './draft-form';

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

  /** "Open in CRM": the console page in the default browser (the background checks the URL). */
  const openRecord = (record: RecordRef) => {
    void send({ type: 'open-record', record })
      .then((answer) => {
        if (!answer.ok) setOutcome({ kind: 'failed', message: answer.message ?? '' });
      })
      .catch((error: Error) => setOutcome({ kind: 'failed', message: error.message }));
  };
  const links: Links = { serverUrl: data?.status.serverUrl, open: openRecord, t };

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
      <SenderCard data={data} t={t} links={links} />
      {outcome && <OutcomeLine outcome={outcome} t={t} links={links} />}
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
          send={send}
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

function SenderCard({ data, t, links }: { data: PopupData; t: Translate; links: Links }) {
  const context = data.context;
  const sender = context?.sender;
  const partner = sender?.partner;
  return (
    <section class="card" aria-label={t('senderCard')}>
      <h1 data-testid="sender-name">
        {partner ? (
          <RecordLink record={{ resModel: 'partner', resId: partner.id }} links={links}>
            {partner.name}
          </RecordLink>
        ) : (
          (data.mail?.fromName ?? data.mail?.fromAddress)
        )}
      </h1>
      <p class="muted">{data.mail?.fromAddress}</p>
      {sender?.company && (
        <p data-testid="sender-company">
          <RecordLink record={{ resModel: 'partner', resId: sender.company.id }} links={links}>
            {sender.company.name}
          </RecordLink>
        </p>
      )}
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
          {t('alreadyInCrm')} <RecordList records={context.alreadyLoggedOn} links={links} />
        </p>
      )}
      {context && context.alreadyLoggedOn.length === 0 && context.threadOn.length > 0 && (
        <p class="in-crm" data-testid="thread-in-crm">
          {t('threadInCrm')} <RecordList records={context.threadOn} links={links} />
        </p>
      )}
      {context && context.openOpportunities.length > 0 && (
        <>
          <h2>{t('openOpportunities')}</h2>
          <ul data-testid="open-opportunities">
            {context.openOpportunities.map((opportunity) => (
              <li key={opportunity.id}>
                <RecordLink record={{ resModel: 'lead', resId: opportunity.id }} links={links}>
                  {opportunity.name}
                </RecordLink>
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
          <ul data-testid="recent-activities">
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

function RecordList({ records, links }: { records: MailRecordRef[]; links: Links }) {
  return (
    <span>
      {records.map((record, index) => (
        <span key={`${record.resModel}:${record.resId}`}>
          {index > 0 && ', '}
          <RecordLink record={record} links={links}>
            {record.name ?? record.resId}
          </RecordLink>
        </span>
      ))}
    </span>
  );
}

function OutcomeLine({
  outcome,
  t,
  links,
}: {
  outcome: ActionOutcome;
  t: Translate;
  links: Links;
}) {
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
    <p class="ok" role="status" data-testid="outcome">
      {t(key, outcome.record.name ?? outcome.record.resId)}{' '}
      <RecordLink record={outcome.record} links={links}>
        {t('openInCrm')}
      </RecordLink>
    </p>
  );
}

function DraftEditor(props: {
  send: SendToBackground;
  data: PopupData;
  t: Translate;
  busy: boolean;
  onCancel: () => void;
  onSubmit: (draft: NonNullable<PopupData['draft']>) => void;
}) {
  const { t } = props;
  const [form, setForm] = useState<DraftForm>(() => draftToForm(props.data.draft));
  const [errors, setErrors] = useState<DraftFormErrors>({});
  const [choices, setChoices] = useState<DraftChoices | undefined>();
  useEffect(() => {
    props
      .send({ type: 'draft/choices' })
      .catch((error: Error) => ({
        teams: [],
        sharedStages: [],
        tags: [],
        error: error.message,
      }))
      .then((loaded: DraftChoices) => {
        setChoices(loaded);
        setForm((current) => applyChoiceDefaults(current, loaded));
      });
  }, []);
  const field = (
    name:
      'name' | 'contactName' | 'contactEmail' | 'companyName' | 'expectedRevenue' | 'dateDeadline',
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
    const checked = formToDraft(form, props.data.draft, choices);
    if (checked.errors) return setErrors(checked.errors);
    setErrors({});
    props.onSubmit(checked.draft);
  };
  const stages = choices ? stagesFor(choices, form.teamId) : [];
  const toggleTag = (id: string, on: boolean) =>
    setForm({
      ...form,
      tagIds: on ? [...form.tagIds, id] : form.tagIds.filter((tagId) => tagId !== id),
    });
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
      {!choices && <p class="muted">{t('loadingChoices')}</p>}
      {choices?.error && (
        <p class="error" role="alert" data-testid="choices-error">
          {t('choicesFailed', choices.error)}
        </p>
      )}
      {choices && choices.teams.length > 0 && (
        <label>
          {t('fieldTeam')}
          <select
            name="teamId"
            value={form.teamId}
            onChange={(event) =>
              setForm(selectTeam(form, choices, (event.currentTarget as HTMLSelectElement).value))
            }
          >
            {choices.teams.map((team) => (
              <option key={team.id} value={team.id}>
                {team.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {stages.length > 0 && (
        <label>
          {t('fieldStage')}
          <select
            name="stageId"
            value={form.stageId}
            aria-invalid={errors.stageId ? 'true' : undefined}
            onChange={(event) =>
              setForm({ ...form, stageId: (event.currentTarget as HTMLSelectElement).value })
            }
          >
            {stages.map((stage) => (
              <option key={stage.id} value={stage.id}>
                {stage.name}
              </option>
            ))}
          </select>
          {errors.stageId && <span class="error">{t(errors.stageId)}</span>}
        </label>
      )}
      {choices && choices.tags.length > 0 && (
        <fieldset class="tags" data-testid="tags">
          <legend>{t('fieldTags')}</legend>
          {choices.tags.map((tag) => (
            <label key={tag.id} class="inline">
              <input
                type="checkbox"
                name="tagIds"
                value={tag.id}
                checked={form.tagIds.includes(tag.id)}
                onChange={(event) =>
                  toggleTag(tag.id, (event.currentTarget as HTMLInputElement).checked)
                }
              />
              {tag.name}
            </label>
          ))}
        </fieldset>
      )}
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
