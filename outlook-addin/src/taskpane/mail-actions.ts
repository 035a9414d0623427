// The lazily loaded half of the pane: shared's mail use cases (MIME parsing, drafts, uploads).
export {
  addSenderAsContact,
  createOpportunitiesFromMails,
  logMailsToRecord,
  prepareMail,
  toOpportunityDraftBody,
} from '@inbox-crm/shared/mail';
