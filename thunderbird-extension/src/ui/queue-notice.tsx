import type { QueueView } from '../background/protocol';
import type { Translate } from './i18n';

/** What is waiting for the server (offline queue), visible wherever the user acts. */
export function QueueNotice({
  queue,
  t,
  onRetry,
}: {
  queue: QueueView;
  t: Translate;
  onRetry: () => void;
}) {
  if (queue.pending.length === 0) return null;
  return (
    <section class="queue" role="status" data-testid="queue">
      <p>{t('queuedCount', String(queue.pending.length))}</p>
      <ul>
        {queue.pending.map((item) => (
          <li key={item.id}>
            {item.label}
            {item.lastError && <span class="muted"> · {item.lastError}</span>}
          </li>
        ))}
      </ul>
      <button type="button" onClick={onRetry}>
        {t('retryNow')}
      </button>
    </section>
  );
}
