import type { MailRecordRef } from '@inbox-crm/shared/schemas';
import type { ComponentChildren } from 'preact';
import { recordUrl } from '../background/record-url';
import type { Translate } from './i18n';

// "Open in CRM" links: the href shows where the record lives (the console under the configured
// server); the click asks the background to open it in the system's default browser.

export type RecordRef = Pick<MailRecordRef, 'resModel' | 'resId'>;

export interface Links {
  serverUrl?: string;
  open: (record: RecordRef) => void;
  t: Translate;
}

/** A record's name linking to its console page, opened in the default browser. */
export function RecordLink({
  record,
  links,
  children,
}: {
  record: RecordRef;
  links: Links;
  children: ComponentChildren;
}) {
  const href = recordUrl(links.serverUrl, record);
  if (!href) return <span>{children}</span>;
  return (
    <a
      href={href}
      title={links.t('openInCrm')}
      data-record={`${record.resModel}:${record.resId}`}
      onClick={(event) => {
        event.preventDefault();
        links.open(record);
      }}
    >
      {children}
    </a>
  );
}
