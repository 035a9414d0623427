import type { OpportunityDraft } from '@inbox-crm/shared/schemas';

// The editable "Create opportunity" form: what the user sees (strings) ↔ the draft the API takes.

export interface DraftForm {
  name: string;
  contactName: string;
  contactEmail: string;
  companyName: string;
  expectedRevenue: string;
  dateDeadline: string;
  priority: '0' | '1' | '2' | '3';
  description: string;
}

export type DraftFormErrors = Partial<Record<keyof DraftForm, string>>;

export function draftToForm(draft: OpportunityDraft | undefined): DraftForm {
  return {
    name: draft?.name ?? '',
    contactName: draft?.contact?.name ?? '',
    contactEmail: draft?.contact?.email ?? '',
    companyName: draft?.companyName ?? '',
    expectedRevenue: draft?.expectedRevenue !== undefined ? String(draft.expectedRevenue) : '',
    dateDeadline: draft?.dateDeadline ?? '',
    priority: draft?.priority ?? '1',
    description: draft?.description ?? '',
  };
}

const emailPattern = /^[^\s@]+@[^\s@]+$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Checks the form; error values are message keys of _locales. */
export function formToDraft(
  form: DraftForm,
  base: OpportunityDraft | undefined,
):
  { draft: OpportunityDraft; errors?: undefined } | { draft?: undefined; errors: DraftFormErrors } {
  const errors: DraftFormErrors = {};
  const name = form.name.trim();
  if (!name) errors.name = 'errorRequired';
  const email = form.contactEmail.trim();
  if (email && !emailPattern.test(email)) errors.contactEmail = 'errorEmail';
  const revenueText = form.expectedRevenue.trim().replace(/[\s']/g, '').replace(',', '.');
  const revenue = revenueText ? Number(revenueText) : undefined;
  if (revenue !== undefined && (!Number.isFinite(revenue) || revenue < 0))
    errors.expectedRevenue = 'errorAmount';
  const deadline = form.dateDeadline.trim();
  if (deadline && (!datePattern.test(deadline) || Number.isNaN(Date.parse(deadline))))
    errors.dateDeadline = 'errorDate';
  if (Object.keys(errors).length > 0) return { errors };

  const contactName = form.contactName.trim();
  const draft: OpportunityDraft = {
    ...base,
    name,
    contact: email ? { ...base?.contact, name: contactName || email, email } : undefined,
    companyName: form.companyName.trim() || null,
    priority: form.priority,
    description: form.description,
  };
  if (revenue !== undefined) draft.expectedRevenue = revenue;
  else delete draft.expectedRevenue;
  if (deadline) draft.dateDeadline = deadline;
  else delete draft.dateDeadline;
  return { draft };
}
