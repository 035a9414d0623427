export type { MailAddress } from './mail-address';
export {
  normalizeEmail,
  domainOfEmail,
  domainToAscii,
  parseAddressList,
  parseMailbox,
  formatMailAddress,
} from './mail-address';
export type { MailAttachment, MailMessage, MailSummary, MailSource } from './mail-message';
export { normalizeMessageId, parseMessageIdList } from './mail-message';
export { parseRawMail, MailParseError } from './parse-raw-mail';
export { htmlToText } from './html-to-text';
export { stripSubjectPrefixes, hasReplyOrForwardPrefix } from './subject-prefixes';
export { isFreeMailDomain, isOwnDomain } from './free-mail';
export type { FreeMailOptions } from './free-mail';
export { extractSignature, companyNameFromDomain } from './signature';
export type { SignatureDetails } from './signature';
export { buildOpportunityDraft, senderKey } from './opportunity-draft';
export type {
  OpportunityDraftProposal,
  DraftContact,
  DraftCompany,
  DraftOptions,
} from './opportunity-draft';
export { mailIdempotencyKey } from './mail-identity';
export {
  sanitizeMailHtml,
  sanitizeMailHtmlToString,
  filterInlineStyle,
} from './sanitize-mail-html';
export type { SanitizeMailHtmlOptions } from './sanitize-mail-html';
export {
  mailHtmlAllowedTags,
  mailHtmlAttributesByTag,
  mailHtmlGlobalAttributes,
} from './mail-html-policy';
export {
  prepareMail,
  toMailDescriptor,
  toOpportunityDraftBody,
  proposeMailAction,
  createOpportunitiesFromMails,
  logMailsToRecord,
  addSenderAsContact,
  MailActionError,
} from './mail-actions';
export type {
  MailActionStatus,
  MailActionResult,
  MailActionProgress,
  MailActionsDependencies,
  PreparedMail,
  MailProposal,
  CreateOpportunitiesOptions,
} from './mail-actions';
