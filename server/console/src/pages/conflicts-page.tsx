import { useState } from 'preact/hooks';
import { useConsole, useTranslate } from '../context';
import { ConflictTable } from '../sync-conflicts';
import { Button, FormStatus, Page, useAsync } from '../ui';

const pageSize = 50;

/** `/sync-conflicts`: every open address-book conflict the user can see, newest first. */
export function ConflictsPage() {
  const { api } = useConsole();
  const t = useTranslate();
  const [offset, setOffset] = useState(0);
  const conflicts = useAsync(
    () => api.client.listContactConflicts({ limit: pageSize, offset }),
    [api, offset],
  );
  const page = conflicts.data;
  return (
    <Page title={t('conflicts.pageTitle')}>
      <section class="card conflicts-list">
        <p class="muted">{t('conflicts.explain')}</p>
        <FormStatus errors={conflicts.error} />
        {conflicts.loading && !page ? <p>{t('common.loading')}</p> : null}
        {page ? (
          <ConflictTable
            conflicts={page.items}
            showContact
            emptyText={t('conflicts.noneOpenAnywhere')}
            onResolved={conflicts.reload}
          />
        ) : null}
        {page && page.total > pageSize ? (
          <p class="pager">
            <Button
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - pageSize))}
            >
              {t('conflicts.previous')}
            </Button>{' '}
            <span class="muted">
              {t('conflicts.range', {
                from: page.total === 0 ? 0 : offset + 1,
                to: offset + page.items.length,
                total: page.total,
              })}
            </span>{' '}
            <Button
              disabled={offset + pageSize >= page.total}
              onClick={() => setOffset(offset + pageSize)}
            >
              {t('conflicts.next')}
            </Button>
          </p>
        ) : null}
      </section>
    </Page>
  );
}
