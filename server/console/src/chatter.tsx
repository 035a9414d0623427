import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '@inbox-crm/shared/api';
import { sanitizeMailHtml } from '@inbox-crm/shared/mail';
import {
  activityListResponseSchema,
  messageListResponseSchema,
  messageSchema,
  postNoteBodySchema,
  type ActivityDto,
  type AttachmentDto,
  type MessageDto,
  type TrackedValue,
} from '@inbox-crm/shared/schemas';
import { useConsole, useTranslate } from './context';
import { errorsFromApi, validateForm, type FieldErrors } from './forms';
import { followLink } from './router';
import { Button, FormStatus, Page, formatDateTime, useAsync, type AsyncState } from './ui';

/** The REST collections of the records the console shows a chatter for. */
export type ChatterPath = '/leads' | '/partners';

/**
 * A record read that answers `null` for 404: the API says "no such record, or not visible to you"
 * the same way, so the page can say so instead of showing a generic error.
 */
export async function loadVisible<Value>(load: () => Promise<Value>): Promise<Value | null> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

export function RecordNotFound() {
  const t = useTranslate();
  return (
    <p class="banner banner-error" role="alert" data-testid="record-not-found">
      {t('record.notFound')}
    </p>
  );
}

/**
 * What a record page shows until its record is there: "not found or not visible" (404), the load
 * error, or the loading line. `undefined` once the record can be drawn.
 */
export function recordPageFallback(
  state: AsyncState<unknown | null>,
  title: string,
  t: ReturnType<typeof useTranslate>,
) {
  if (state.data === null) {
    return (
      <Page title={title}>
        <RecordNotFound />
        <p>
          <a href="/pipeline" onClick={followLink}>
            {t('record.backToPipeline')}
          </a>
        </p>
      </Page>
    );
  }
  if (!state.data) {
    return (
      <Page title={title}>
        <FormStatus errors={state.error} />
        {state.loading ? <p>{t('common.loading')}</p> : null}
      </Page>
    );
  }
  return undefined;
}

/** A note typed as plain text, as the HTML the chatter stores (escaped, line breaks kept). */
export function textToNoteHtml(text: string): string {
  const escaped = text
    .trim()
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
  return escaped ? `<p>${escaped.replace(/\r?\n/g, '<br>')}</p>` : '';
}

/** A tracked value as text: tracking shows display strings, numbers and booleans, never HTML. */
export function formatTrackedValue(value: TrackedValue): string {
  if (value === null || value === '') return '—';
  return String(value);
}

/** `<id@host>` and `id@host` name the same inline part. */
function bareContentId(contentId: string): string {
  return contentId.replace(/^<|>$/g, '');
}

/**
 * Mail HTML, sanitized in the browser with the mail policy shared with the add-ins (DOMPurify),
 * and inserted as a DOM fragment, never through innerHTML. The server sanitized it when storing;
 * this is the second line, for anything stored before or around that.
 */
export function MailBody(props: { html: string; attachments?: AttachmentDto[] }) {
  const t = useTranslate();
  const container = useRef<HTMLDivElement>(null);
  const [blockedImages, setBlockedImages] = useState(false);
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const fragment = sanitizeMailHtml(props.html, {
      cidUrl: (contentId) => {
        const part = props.attachments?.find(
          (attachment) =>
            attachment.contentId &&
            bareContentId(attachment.contentId) === bareContentId(contentId),
        );
        return part ? `/api/v1/attachments/${encodeURIComponent(part.id)}/content` : undefined;
      },
    });
    element.replaceChildren(fragment);
    setBlockedImages(element.querySelector('[data-blocked-src]') !== null);
  }, [props.html, props.attachments]);
  return (
    <>
      <div ref={container} class="mail-body" />
      {blockedImages ? <p class="muted">{t('chatter.blockedImages')}</p> : null}
    </>
  );
}

export function attachmentUrl(attachment: AttachmentDto): string {
  return `/api/v1/attachments/${encodeURIComponent(attachment.id)}/content`;
}

function formatSize(bytes: number, language: string): string {
  const units = ['B', 'kB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(language, { maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value)} ${units[unit]}`;
}

export function AttachmentList(props: { attachments: AttachmentDto[] }) {
  const { language } = useConsole();
  const t = useTranslate();
  if (props.attachments.length === 0) return <p class="muted">{t('attachments.empty')}</p>;
  return (
    <ul class="attachment-list">
      {props.attachments.map((attachment) => (
        <li key={attachment.id}>
          <a href={attachmentUrl(attachment)} download={attachment.fileName}>
            {attachment.fileName}
          </a>{' '}
          <span class="muted">
            {attachment.contentType} · {formatSize(attachment.size, language)}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** Open activities of a record (`GET /activities?resModel=…&resId=…`). */
export function ActivityList(props: {
  resModel: 'lead' | 'partner';
  resId: string;
  userName(userId: string | null): string;
}) {
  const { api } = useConsole();
  const t = useTranslate();
  const activities = useAsync(
    () =>
      api.client.request({
        method: 'GET',
        path: '/activities',
        query: { resModel: props.resModel, resId: props.resId, limit: 200 },
        response: activityListResponseSchema,
      }),
    [api, props.resModel, props.resId],
  );
  const items: ActivityDto[] = activities.data?.items ?? [];
  return (
    <section class="card" aria-labelledby="activities-title">
      <h2 id="activities-title">{t('activities.title')}</h2>
      <FormStatus errors={activities.error} />
      {activities.loading && !activities.data ? <p>{t('common.loading')}</p> : null}
      {activities.data && items.length === 0 ? <p class="muted">{t('activities.empty')}</p> : null}
      <ul class="activity-list">
        {items.map((activity) => (
          <li
            key={activity.id}
            class={`activity activity-${activity.state}`}
            data-activity-id={activity.id}
          >
            <strong>{activity.summary || activity.activityTypeName || ''}</strong>{' '}
            <span>
              {activity.activityTypeName && activity.summary
                ? `${activity.activityTypeName} · `
                : ''}
              {t('activities.due')}: {activity.dateDeadline} (
              {t(`activities.state.${activity.state}`)}) · {props.userName(activity.userId)}
            </span>
            {activity.note ? <MailBody html={activity.note} /> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The chatter of a record, newest first, with the form to log a note. */
export function Chatter(props: {
  path: ChatterPath;
  resId: string;
  attachments?: AttachmentDto[];
  reloadKey?: number;
}) {
  const { api } = useConsole();
  const t = useTranslate();
  const messages = useAsync(
    () =>
      api.client.request({
        method: 'GET',
        path: `${props.path}/${encodeURIComponent(props.resId)}/messages`,
        query: { limit: 200 },
        response: messageListResponseSchema,
      }),
    [api, props.path, props.resId, props.reloadKey],
  );
  return (
    <section class="card chatter" aria-labelledby="chatter-title">
      <h2 id="chatter-title">{t('chatter.title')}</h2>
      <NoteForm path={props.path} resId={props.resId} onLogged={messages.reload} />
      <FormStatus errors={messages.error} />
      {messages.loading && !messages.data ? <p>{t('common.loading')}</p> : null}
      {messages.data && messages.data.items.length === 0 ? (
        <p class="muted">{t('chatter.empty')}</p>
      ) : null}
      <ol class="message-list" data-testid="chatter">
        {(messages.data?.items ?? []).map((message) => (
          <ChatterMessage
            key={message.id}
            message={message}
            attachments={props.attachments ?? []}
          />
        ))}
      </ol>
    </section>
  );
}

function ChatterMessage(props: { message: MessageDto; attachments: AttachmentDto[] }) {
  const { language } = useConsole();
  const t = useTranslate();
  const { message } = props;
  const ownAttachments = props.attachments.filter((attachment) =>
    message.attachmentIds.includes(attachment.id),
  );
  return (
    <li class={`message message-${message.kind}`} data-message-id={message.id}>
      <header class="message-header">
        {message.authorName || message.emailFrom ? (
          <strong>{message.authorName || message.emailFrom}</strong>
        ) : null}
        <span class="message-kind">{t(`chatter.kind.${message.kind}`)}</span>
        <time dateTime={message.date}>{formatDateTime(message.date, language)}</time>
      </header>
      {message.subject ? <p class="message-subject">{message.subject}</p> : null}
      {message.kind === 'email' ? (
        <p class="muted message-addresses">
          {message.emailFrom ? `${t('chatter.from')}: ${message.emailFrom}` : ''}
          {message.emailTo.length > 0 ? ` · ${t('chatter.to')}: ${message.emailTo.join(', ')}` : ''}
        </p>
      ) : null}
      {message.bodyHtml ? (
        <MailBody html={message.bodyHtml} attachments={props.attachments} />
      ) : null}
      {message.tracking.length > 0 ? (
        <ul class="tracking-list">
          {message.tracking.map((change, index) => (
            <li key={`${change.field}-${index}`}>
              {change.fieldLabel || change.field}: {formatTrackedValue(change.oldValue)} →{' '}
              {formatTrackedValue(change.newValue)}
            </li>
          ))}
        </ul>
      ) : null}
      {ownAttachments.length > 0 ? <AttachmentList attachments={ownAttachments} /> : null}
    </li>
  );
}

function NoteForm(props: { path: ChatterPath; resId: string; onLogged(): void }) {
  const { api } = useConsole();
  const t = useTranslate();
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [success, setSuccess] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setSuccess(null);
    const form = validateForm(postNoteBodySchema, { kind: 'note', bodyHtml: textToNoteHtml(text) });
    if (!form.ok) {
      setErrors(form.errors);
      return;
    }
    setBusy(true);
    try {
      await api.client.request({
        method: 'POST',
        path: `${props.path}/${encodeURIComponent(props.resId)}/messages`,
        body: form.data,
        response: messageSchema,
      });
      setErrors({});
      setText('');
      setSuccess(t('chatter.noteLogged'));
      props.onLogged();
    } catch (error) {
      setErrors(errorsFromApi(error));
    } finally {
      setBusy(false);
    }
  };
  const fieldError = errors.bodyHtml;
  const otherErrors = Object.fromEntries(
    Object.entries(errors).filter(([field]) => field !== 'bodyHtml'),
  );
  return (
    <form class="note-form" onSubmit={(event) => void submit(event)}>
      <div class="field">
        <label for="note-text">{t('chatter.note')}</label>
        <textarea
          id="note-text"
          name="note"
          rows={3}
          value={text}
          aria-invalid={fieldError ? 'true' : undefined}
          aria-describedby={fieldError ? 'note-text-error' : undefined}
          onInput={(event) => setText((event.currentTarget as HTMLTextAreaElement).value)}
        />
        {fieldError ? (
          <p class="field-error" id="note-text-error">
            {fieldError}
          </p>
        ) : null}
      </div>
      <Button type="submit" variant="primary" disabled={busy}>
        {t('chatter.logNote')}
      </Button>
      <FormStatus errors={otherErrors} success={success} />
    </form>
  );
}
