import type { MailSummary } from '@inbox-crm/shared/mail';
import { useState } from 'preact/hooks';
import type { OutlookMailSource } from '../../host/mail-selection';
import type { BatchAction, CrmGateway, MailActionResult, RecordHit } from '../crm-gateway';
import type { Translate } from '../i18n';
import { CrmLink, Message, errorText } from '../ui';
import { RecordSearch } from './record-search';

const statusKey = {
  created: 'resultCreated',
  'already-in-crm': 'resultDuplicate',
  logged: 'resultLogged',
  'queued-offline': 'resultQueued',
} as const;

/** Several selected mails: one opportunity per mail, or all logged to one record. */
export function MultiMailView(props: {
  t: Translate;
  gateway: CrmGateway;
  summaries: MailSummary[];
  /** Null when this Outlook cannot read selected mails (below Mailbox 1.15). */
  createSources: (() => OutlookMailSource[]) | null;
}) {
  const { t, gateway, summaries } = props;
  const [mode, setMode] = useState<'create' | 'log'>('create');
  const [target, setTarget] = useState<RecordHit | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [results, setResults] = useState<MailActionResult[]>([]);
  const [error, setError] = useState<string | null>(null);
  const running = progress !== null && progress.done < progress.total;

  if (!props.createSources) {
    return (
      <section class="card">
        <h2>{t('selectedCount', { count: summaries.length })}</h2>
        <Message tone="warning">{t('multiSelectUnavailable')}</Message>
      </section>
    );
  }
  const createSources = props.createSources;

  const start = async () => {
    if (mode === 'log' && !target) {
      setError(t('chooseRecordFirst'));
      return;
    }
    const action: BatchAction =
      mode === 'create'
        ? { kind: 'create-opportunities' }
        : { kind: 'log', target: { resModel: target!.resModel, resId: target!.resId } };
    setError(null);
    setResults([]);
    setProgress({ done: 0, total: summaries.length });
    try {
      await gateway.processMails(createSources(), action, ({ done, total, current }) => {
        if (current) setResults((previous) => [...previous, current]);
        setProgress({ done, total });
      });
    } catch (caught) {
      setError(t('errorGeneric', { message: errorText(caught) }));
      setProgress(null);
    }
  };

  return (
    <section class="card" aria-labelledby="multi-heading">
      <h2 id="multi-heading">{t('selectedCount', { count: summaries.length })}</h2>
      <ul class="plain">
        {summaries.map((summary) => (
          <li key={summary.hostId} class="muted">
            {summary.subject}
          </li>
        ))}
      </ul>
      <fieldset disabled={running}>
        <legend>{t('start')}</legend>
        <label>
          <input
            type="radio"
            name="mode"
            checked={mode === 'create'}
            onChange={() => setMode('create')}
          />{' '}
          {t('modeOnePerMail')}
        </label>
        <label>
          <input
            type="radio"
            name="mode"
            checked={mode === 'log'}
            onChange={() => setMode('log')}
          />{' '}
          {t('modeLogAll')}
        </label>
      </fieldset>
      {mode === 'log' &&
        (target ? (
          <p>
            {target.name}{' '}
            <button type="button" class="link" onClick={() => setTarget(null)}>
              {t('cancel')}
            </button>
          </p>
        ) : (
          <RecordSearch t={t} gateway={gateway} actionLabel={t('logHere')} onPick={setTarget} />
        ))}
      <div class="actions">
        <button type="button" class="primary" onClick={start} disabled={running}>
          {t('start')}
        </button>
      </div>
      {error && <Message tone="error">{error}</Message>}
      {progress && (
        <div role="status" aria-live="polite">
          <progress
            max={progress.total}
            value={progress.done}
            aria-label={t('progress', progress)}
          />
          <p>{t('progress', progress)}</p>
        </div>
      )}
      {results.length > 0 && (
        <ol
          aria-label={t('progress', { done: results.length, total: summaries.length })}
          class="plain"
        >
          {results.map((result) => (
            <li key={result.hostId} data-status={result.status}>
              <strong>{result.subject || '—'}</strong>
              {': '}
              {result.status === 'failed'
                ? t('resultFailed', { reason: result.reason ?? '' })
                : t(statusKey[result.status])}
              {result.record && result.status !== 'failed' && (
                <>
                  {' · '}
                  <CrmLink href={gateway.recordUrl(result.record.resModel, result.record.resId)}>
                    {result.record.name ?? t('openInCrm')}
                  </CrmLink>
                </>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
