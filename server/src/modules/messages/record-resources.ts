import type { ResModel } from '@inbox-crm/shared/schemas';

/** The REST collections whose records carry a chatter, followers and attachments. */
export const chatterResources: ReadonlyArray<{ resModel: ResModel; path: string; label: string }> =
  [
    { resModel: 'lead', path: '/leads', label: 'lead' },
    { resModel: 'partner', path: '/partners', label: 'partner' },
    { resModel: 'quotation', path: '/quotations', label: 'quotation' },
  ];
