import { useState } from 'preact/hooks';
import type { CrmGateway, RecordHit } from '../crm-gateway';
import type { Translate } from '../i18n';
import { Message, Spinner, errorText } from '../ui';

/** Search box + result list; `onPick` gets the chosen opportunity or contact. */
export function RecordSearch(props: {
  t: Translate;
  gateway: CrmGateway;
  actionLabel: string;
  onPick: (hit: RecordHit) => void;
}) {
  const { t, gateway } = props;
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<RecordHit[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const search = async (event: Event) => {
    event.preventDefault();
    if (!query.trim()) return;
    setBusy(true);
    setError(null);
    try {
      setHits(await gateway.searchRecords(query.trim()));
    } catch (caught) {
      setError(errorText(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="card">
      <form onSubmit={search} role="search" class="actions">
        <label class="field grow">
          {t('searchRecords')}
          <input
            type="search"
            value={query}
            onInput={(event) => setQuery(event.currentTarget.value)}
          />
        </label>
        <button type="submit" class="align-end" disabled={busy}>
          {t('search')}
        </button>
      </form>
      {busy && <Spinner label={t('working')} />}
      {error && <Message tone="error">{error}</Message>}
      {hits && hits.length === 0 && <p class="muted">{t('noResults')}</p>}
      {hits && hits.length > 0 && (
        <ul class="plain" aria-label={t('searchRecords')}>
          {hits.map((hit) => (
            <li key={`${hit.resModel}:${hit.resId}`} class="header">
              <span>
                <span class="muted">
                  {hit.resModel === 'lead' ? t('opportunity') : t('contact')}
                </span>{' '}
                {hit.name}
                {hit.detail && <span class="muted"> · {hit.detail}</span>}
              </span>
              <button
                type="button"
                onClick={() => props.onPick(hit)}
                aria-label={`${props.actionLabel}: ${hit.name}`}
              >
                {props.actionLabel}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
