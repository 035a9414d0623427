import { domainToAscii } from './mail-address';
import { FREE_MAIL_DOMAINS } from './free-mail-domains.data';

let freeMailSet: ReadonlySet<string> | undefined;

export interface FreeMailOptions {
  /** Admin setting "treat as free" (extra domains). */
  extraFreeDomains?: readonly string[];
  /** Our own domains: never a customer company either. */
  ownDomains?: readonly string[];
}

/**
 * Whether a domain belongs to a free-mail provider (no company "Gmail"). Exact match on the
 * lower-cased ASCII domain: no parent-domain matching (sync-and-mail.md §7).
 */
export function isFreeMailDomain(domain: string, options: FreeMailOptions = {}): boolean {
  freeMailSet ??= new Set(FREE_MAIL_DOMAINS);
  const key = domainToAscii(domain);
  return (
    freeMailSet.has(key) ||
    (options.extraFreeDomains ?? []).some((extra) => domainToAscii(extra) === key)
  );
}

/** Whether a domain is one of ours (the seller's): a mail from there is internal. */
export function isOwnDomain(domain: string, options: FreeMailOptions = {}): boolean {
  const key = domainToAscii(domain);
  return (options.ownDomains ?? []).some((own) => domainToAscii(own) === key);
}
