import { domainOfEmail, normalizeEmail, type MailAddress } from './mail-address';
import type { MailMessage } from './mail-message';
import { isFreeMailDomain, isOwnDomain, type FreeMailOptions } from './free-mail';
import { stripSubjectPrefixes } from './subject-prefixes';
import { companyNameFromDomain, extractSignature } from './signature';

/** The opportunity a mail suggests, before the user edits it. */
export interface OpportunityDraftProposal {
  /** The subject without reply/forward prefixes. */
  name: string;
  contact?: DraftContact;
  /** Absent for free-mail senders (no company "Gmail") and for our own domains. */
  company?: DraftCompany;
  /** The mail's text, for the opportunity's description. */
  description: string;
  /** The mail the draft was read from: the forwarded inner mail when a colleague forwarded a lead. */
  source: MailMessage;
  /** Set when the draft came from a forwarded mail rather than the selected one. */
  fromForwardedMail: boolean;
}

export interface DraftContact {
  name: string;
  email: string;
  jobTitle?: string;
  phone?: string;
  mobile?: string;
}

export interface DraftCompany {
  name: string;
  domain: string;
}

export interface DraftOptions extends FreeMailOptions {
  /** Limit for the description (characters). */
  maxDescriptionLength?: number;
}

const DEFAULT_DESCRIPTION_LIMIT = 20_000;

/**
 * Build the draft opportunity for a mail: name from the subject without prefixes, contact from the
 * sender, company from the signature or the domain unless free-mail. When the selected mail is an
 * internal forward of a customer's mail, the draft comes from the forwarded mail.
 */
export function buildOpportunityDraft(
  mail: MailMessage,
  options: DraftOptions = {},
): OpportunityDraftProposal {
  const source = pickLeadMail(mail, options);
  const sender = source.from;
  const domain = sender ? domainOfEmail(sender.address) : undefined;
  const signature = sender ? extractSignature(source.text, sender.name, domain) : {};
  const limit = options.maxDescriptionLength ?? DEFAULT_DESCRIPTION_LIMIT;
  return {
    name: stripSubjectPrefixes(source.subject) || fallbackName(sender),
    contact: sender?.address
      ? {
          name: sender.name || sender.address.split('@')[0]!,
          email: sender.address,
          jobTitle: signature.jobTitle,
          phone: signature.phone,
          mobile: signature.mobile,
        }
      : undefined,
    company: domain ? companyFor(domain, source, signature.companyName, options) : undefined,
    description: source.text.trim().slice(0, limit),
    source,
    fromForwardedMail: source !== mail,
  };
}

/** An internal mail (our own domain) that carries a forwarded mail: the lead is inside. */
function pickLeadMail(mail: MailMessage, options: FreeMailOptions): MailMessage {
  const [inner] = mail.forwarded;
  if (!inner?.from) return mail;
  const outerDomain = mail.from ? domainOfEmail(mail.from.address) : undefined;
  const outerIsInternal = outerDomain ? isOwnDomain(outerDomain, options) : false;
  const subjectSaysForward =
    /^\s*(fwd?|wg|tr|转发|轉寄|転送|i|rv|enc|vs|vb|redirec\S*)\s*[:：]/iu.test(mail.subject);
  return outerIsInternal || subjectSaysForward || !mail.text.trim() ? inner : mail;
}

function companyFor(
  domain: string,
  mail: MailMessage,
  signatureCompany: string | undefined,
  options: FreeMailOptions,
): DraftCompany | undefined {
  if (isFreeMailDomain(domain, options) || isOwnDomain(domain, options)) return undefined;
  return { name: mail.organization || signatureCompany || companyNameFromDomain(domain), domain };
}

function fallbackName(sender: MailAddress | undefined): string {
  return sender ? `Mail from ${sender.name || sender.address}` : 'Mail without subject';
}

/** Normalized sender key for matching against CRM partners. */
export function senderKey(mail: MailMessage): string | undefined {
  return mail.from?.address ? normalizeEmail(mail.from.address) : undefined;
}
