import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '@inbox-crm/shared/api';
import {
  syncContactFieldSchema,
  type ContactConflictListItem,
  type ContactConflictResolution,
  type ContactConflictResolveResponse,
  type SyncFieldValue,
} from '@inbox-crm/shared/schemas';
import { useConsole, useTranslate } from './context';
import { errorsFromApi, type FieldErrors } from './forms';
import type { MessageKey } from './i18n';
import { followLink } from './router';
import { Button, FormStatus, formatDateTime, useAsync } from './ui';

type Translate = ReturnType<typeof useTranslate>;

const emailPathPattern = /^emails\[(.+)\]$/;

/** The field a conflict is about, in the user's language (`emails[a@b]` → "E-mail address a@b"). */
export function conflictFieldLabel(
  conflict: Pick<ContactConflictListItem, 'kind' | 'path'>,
  t: Translate,
): string {
  if (conflict.kind !== 'field') return t('conflicts.wholeContact');
  const emailPath = emailPathPattern.exec(conflict.path);
  if (emailPath) return t('conflicts.emailAddress', { address: emailPath[1]! });
  const field = syncContactFieldSchema.safeParse(conflict.path);
  return field.success ? t(`conflicts.field.${field.data}` as MessageKey) : conflict.path;
}

/**
 * One side of a conflict as text. Record kinds name the outcome: `delete-vs-edit` = the device
 * deleted a contact the CRM had edited; `edit-vs-delete` = the device edited one the CRM archived.
 */
export function conflictSideText(
  conflict: Pick<ContactConflictListItem, 'kind' | 'path' | 'server' | 'client' | 'current'>,
  side: 'crm' | 'device',
  t: Translate,
): string {
  if (conflict.kind === 'delete-vs-edit')
    return side === 'crm' ? t('conflicts.outcome.editedKept') : t('conflicts.outcome.deleted');
  if (conflict.kind === 'edit-vs-delete')
    return side === 'crm' ? t('conflicts.outcome.archived') : t('conflicts.outcome.edited');
  // The CRM side is what "Keep CRM value" keeps: its value now, which may be newer than the conflict.
  const crmValue = conflict.current !== undefined ? conflict.current : conflict.server;
  const value: SyncFieldValue | undefined = side === 'crm' ? crmValue : conflict.client;
  const emailPath = emailPathPattern.exec(conflict.path);
  if (emailPath) {
    const present = value !== null && value !== undefined && value !== false && value !== '';
    return present ? t('conflicts.outcome.hasAddress') : t('conflicts.outcome.noAddress');
  }
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('conflicts.yes') : t('conflicts.no');
  return Array.isArray(value) ? value.join(', ') || '—' : value;
}

/** "Thunderbird · Sofia's laptop". */
export function conflictDeviceText(
  conflict: Pick<ContactConflictListItem, 'source'>,
  t: Translate,
): string {
  const host =
    conflict.source.host === 'thunderbird'
      ? 'Thunderbird'
      : conflict.source.host === 'outlook'
        ? 'Outlook'
        : t('conflicts.otherHost');
  return conflict.source.device ? `${host} · ${conflict.source.device}` : host;
}

/**
 * Open conflicts as a table with "Keep CRM value" / "Use device value" on each row. A conflict
 * someone else resolved meanwhile (409) is reported and the list reloads.
 */
export function ConflictTable(props: {
  conflicts: ContactConflictListItem[];
  showContact: boolean;
  /** Shown instead of the table when nothing is open (after the last one was resolved too). */
  emptyText: string;
  onResolved(result: ContactConflictResolveResponse | null): void;
}) {
  const { api, language } = useConsole();
  const t = useTranslate();
  const [busyId, setBusyId] = useState<string | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [success, setSuccess] = useState<string | null>(null);

  const resolve = async (
    conflict: ContactConflictListItem,
    resolution: ContactConflictResolution,
  ) => {
    setBusyId(conflict.id);
    setErrors({});
    setSuccess(null);
    try {
      const result = await api.client.resolveContactConflict(conflict.id, resolution);
      setSuccess(resolution === 'keep-crm' ? t('conflicts.keptCrm') : t('conflicts.usedDevice'));
      props.onResolved(result);
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) {
        setErrors({ form: t('conflicts.alreadyResolved') });
        props.onResolved(null);
      } else {
        setErrors(errorsFromApi(error));
      }
    } finally {
      setBusyId(null);
    }
  };

  return (
    <>
      <FormStatus errors={errors} success={success} />
      {props.conflicts.length === 0 ? <p class="muted">{props.emptyText}</p> : null}
      <table
        hidden={props.conflicts.length === 0}
        class="table conflict-table"
        data-testid="conflict-table"
      >
        <thead>
          <tr>
            {props.showContact ? <th scope="col">{t('conflicts.contact')}</th> : null}
            <th scope="col">{t('conflicts.fieldColumn')}</th>
            <th scope="col">{t('conflicts.crmValue')}</th>
            <th scope="col">{t('conflicts.deviceValue')}</th>
            <th scope="col">{t('conflicts.device')}</th>
            <th scope="col">{t('conflicts.when')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('conflicts.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {props.conflicts.map((conflict) => (
            <tr key={conflict.id} data-conflict-id={conflict.id}>
              {props.showContact ? (
                <td>
                  <a
                    href={`/contacts/${encodeURIComponent(conflict.contactId)}`}
                    onClick={followLink}
                  >
                    {conflict.contactName || conflict.contactId}
                  </a>
                </td>
              ) : null}
              <td>{conflictFieldLabel(conflict, t)}</td>
              <td data-testid="conflict-crm-value">{conflictSideText(conflict, 'crm', t)}</td>
              <td data-testid="conflict-device-value">{conflictSideText(conflict, 'device', t)}</td>
              <td>{conflictDeviceText(conflict, t)}</td>
              <td>{formatDateTime(conflict.detectedAt, language)}</td>
              <td class="conflict-actions">
                {conflict.canResolve ? (
                  <>
                    <Button
                      disabled={busyId !== null}
                      onClick={() => void resolve(conflict, 'keep-crm')}
                    >
                      {t('conflicts.keepCrm')}
                    </Button>
                    <Button
                      variant="primary"
                      disabled={busyId !== null}
                      onClick={() => void resolve(conflict, 'use-device')}
                    >
                      {t('conflicts.useDevice')}
                    </Button>
                  </>
                ) : (
                  <span class="muted">{t('conflicts.notYours')}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/**
 * "Open sync conflicts" on a contact: hidden while the contact has none; once shown it stays, so
 * the outcome of the last resolution remains readable.
 */
export function ContactConflictsPanel(props: {
  contactId: string;
  onResolved(result: ContactConflictResolveResponse | null): void;
}) {
  const { api } = useConsole();
  const t = useTranslate();
  const [shown, setShown] = useState(false);
  const conflicts = useAsync(
    () => api.client.listContactConflicts({ contactId: props.contactId, limit: 200 }),
    [api, props.contactId],
  );
  const items = conflicts.data?.items ?? [];
  useEffect(() => {
    if (items.length > 0) setShown(true);
  }, [items.length]);
  if (!shown && items.length === 0 && !conflicts.error) return null;
  return (
    <section
      class="card conflicts-panel"
      aria-labelledby="conflicts-title"
      data-testid="contact-conflicts"
    >
      <h2 id="conflicts-title">{t('conflicts.panelTitle')}</h2>
      <FormStatus errors={conflicts.error} />
      <p class="muted">{t('conflicts.explain')}</p>
      <ConflictTable
        conflicts={items}
        showContact={false}
        emptyText={t('conflicts.noneOpen')}
        onResolved={(result) => {
          conflicts.reload();
          props.onResolved(result);
        }}
      />
    </section>
  );
}
