import { useEffect, useState } from 'preact/hooks';
import type { BulkItemView, BulkJobView, SendToBackground } from '../../background/protocol';
import type { Translate } from '../i18n';
import { RecordPicker } from '../popup/popup-app';
import { RecordLink, type RecordRef } from '../record-link';

// The window the message-list menu opens: progress and a result per mail for "Create
// opportunities from N mails" / "Log N mails to…". The job runs in the background; this page
// only shows it (closing the window does not stop it).

export function BulkApp({
  send,
  jobId,
  t,
}: {
  send: SendToBackground;
  jobId: string;
  t: Translate;
}) {
  const [job, setJob] = useState<BulkJobView | null | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [serverUrl, setServerUrl] = useState<string | undefined>();
  const [openError, setOpenError] = useState<string | undefined>();
  useEffect(() => {
    void send({ type: 'status' })
      .then((status) => setServerUrl(status.serverUrl))
      .catch(() => undefined);
  }, []);
  const links = {
    serverUrl,
    t,
    open: (record: RecordRef) =>
      void send({ type: 'open-record', record })
        .then((answer) => setOpenError(answer.ok ? undefined : answer.message))
        .catch((failure: Error) => setOpenError(failure.message)),
  };
  useEffect(() => {
    let stopped = false;
    const poll = async () => {
      try {
        const next = await send({ type: 'bulk/get', jobId });
        if (stopped) return;
        setJob(next);
        if (next && next.state !== 'done') setTimeout(poll, 400);
      } catch (failure) {
        setError((failure as Error).message);
      }
    };
    void poll();
    return () => {
      stopped = true;
    };
  }, [jobId]);

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (job === undefined) return <p class="muted">{t('loading')}</p>;
  if (job === null)
    return (
      <p class="error" role="alert">
        {t('bulkJobGone')}
      </p>
    );

  const finished = job.items.filter((item) => !['waiting', 'running'].includes(item.state)).length;
  const title =
    job.kind === 'create'
      ? t('bulkCreateTitle', String(job.total))
      : t('bulkLogTitle', String(job.total));
  return (
    <main>
      <h1>{title}</h1>
      {job.state === 'choosing-target' && (
        <RecordPicker
          send={send}
          t={t}
          busy={false}
          onCancel={() => window.close()}
          onPick={(target) => void send({ type: 'bulk/log-to', jobId, target }).then(setJob)}
        />
      )}
      {job.state !== 'choosing-target' && (
        <>
          <p role="status" data-testid="bulk-progress">
            {job.state === 'collecting'
              ? t('bulkCollecting', String(job.total))
              : t('bulkProgress', [String(finished), String(job.total)])}
          </p>
          <progress max={Math.max(job.total, 1)} value={finished} />
          {job.error && (
            <p class="error" role="alert">
              {job.error}
            </p>
          )}
          {openError && (
            <p class="error" role="alert">
              {openError}
            </p>
          )}
          <BulkSummary items={job.items} t={t} />
          <ul class="bulk-items">
            {job.items.map((item) => (
              <li key={item.hostId} data-state={item.state}>
                <span class={`badge ${item.state}`}>{t(`bulkState_${item.state}`)}</span>{' '}
                {item.subject}
                {item.record && (
                  <span class="muted">
                    {' → '}
                    <RecordLink record={item.record} links={links}>
                      {item.record.name ?? t('openInCrm')}
                    </RecordLink>
                  </span>
                )}
                {item.message && <span class="muted"> · {item.message}</span>}
              </li>
            ))}
          </ul>
        </>
      )}
    </main>
  );
}

export function summarize(items: BulkItemView[]): Record<BulkItemView['state'], number> {
  const counts = {
    waiting: 0,
    running: 0,
    created: 0,
    existing: 0,
    logged: 0,
    failed: 0,
    queued: 0,
  };
  for (const item of items) counts[item.state] += 1;
  return counts;
}

function BulkSummary({ items, t }: { items: BulkItemView[]; t: Translate }) {
  const counts = summarize(items);
  const parts = (['created', 'logged', 'existing', 'queued', 'failed'] as const)
    .filter((state) => counts[state] > 0)
    .map((state) => t(`bulkCount_${state}`, String(counts[state])));
  return parts.length > 0 ? <p data-testid="bulk-summary">{parts.join(' · ')}</p> : null;
}
