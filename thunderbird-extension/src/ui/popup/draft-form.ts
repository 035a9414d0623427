import type { OpportunityDraft } from '@inbox-crm/shared/schemas';
import type { DraftChoices } from '../../background/protocol';

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
  /** '' = let the CRM decide (the user's team, its first stage). */
  teamId: string;
  stageId: string;
  tagIds: string[];
}

export type DraftFormErrors = Partial<Record<keyof DraftForm, string>>;

/** The stages offered for a team: its pipeline, or the shared stages when the CRM has no teams. */
export function stagesFor(
  choices: DraftChoices,
  teamId: string,
): Array<{ id: string; name: string }> {
  if (choices.teams.length === 0) return choices.sharedStages;
  return choices.teams.find((team) => team.id === teamId)?.stages ?? [];
}

/** Another team: its first stage, since a stage of the previous team would be refused. */
export function selectTeam(form: DraftForm, choices: DraftChoices, teamId: string): DraftForm {
  return { ...form, teamId, stageId: stagesFor(choices, teamId)[0]?.id ?? '' };
}

/** Once the choices arrive: the user's team and its first stage, unless the user picked already. */
export function applyChoiceDefaults(form: DraftForm, choices: DraftChoices): DraftForm {
  const teamId =
    form.teamId && choices.teams.some((team) => team.id === form.teamId)
      ? form.teamId
      : (choices.defaultTeamId ?? '');
  const stages = stagesFor(choices, teamId);
  const stageId = stages.some((stage) => stage.id === form.stageId)
    ? form.stageId
    : (stages[0]?.id ?? '');
  const known = new Set(choices.tags.map((tag) => tag.id));
  return { ...form, teamId, stageId, tagIds: form.tagIds.filter((id) => known.has(id)) };
}

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
    teamId: draft?.teamId ?? '',
    stageId: draft?.stageId ?? '',
    tagIds: draft?.tagIds ?? [],
  };
}

const emailPattern = /^[^\s@]+@[^\s@]+$/;
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

/** Checks the form; error values are message keys of _locales. */
export function formToDraft(
  form: DraftForm,
  base: OpportunityDraft | undefined,
  choices?: DraftChoices,
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
  if (
    choices &&
    form.stageId &&
    !stagesFor(choices, form.teamId).some((stage) => stage.id === form.stageId)
  )
    errors.stageId = 'errorStage';
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
  if (form.teamId) draft.teamId = form.teamId;
  else delete draft.teamId;
  if (form.stageId) draft.stageId = form.stageId;
  else delete draft.stageId;
  if (form.tagIds.length > 0) draft.tagIds = [...form.tagIds];
  else delete draft.tagIds;
  return { draft };
}
