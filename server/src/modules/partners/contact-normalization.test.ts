import {
  cleanWebsite,
  companyNameFromDomain,
  displayNameFromEmail,
  domainOfWebsite,
  emailDomainCriterion,
  escapeRegex,
  isFreeMailDomain,
  normalizeEmail,
  normalizeName,
  sanitizePhone,
} from './contact-normalization';

describe('normalizeEmail', () => {
  it.each([
    ['Ana.Pop@Mobila.RO', 'ana.pop@mobila.ro'],
    ['"Pop, Ana" <Ana.Pop@Mobila.RO>', 'ana.pop@mobila.ro'],
    ['  ana+crm@mobila.ro ', 'ana+crm@mobila.ro'],
    ['mailto:ana@mobila.ro', 'ana@mobila.ro'],
    ['a@b.example, c@d.example', 'a@b.example'],
    ['josé@bücher.example', 'josé@xn--bcher-kva.example'],
  ])('%s → %s', (typed, expected) => {
    expect(normalizeEmail(typed)).toBe(expected);
  });

  it.each(['', 'no address', 'a@', '@b.example', '"x" <>', null, undefined])(
    '%s has no key',
    (typed) => {
      expect(normalizeEmail(typed)).toBeNull();
    },
  );

  it('reads the display name', () => {
    expect(displayNameFromEmail('"Lindqvist, Margaret" <m@x.example>')).toBe('Lindqvist, Margaret');
    expect(displayNameFromEmail('Ana Pop <a@x.example>')).toBe('Ana Pop');
    expect(displayNameFromEmail('a@x.example')).toBe('');
  });
});

describe('emailDomainCriterion', () => {
  it('keeps the domain for companies and the whole address for free-mail providers', () => {
    expect(emailDomainCriterion('ana@acme.ro')).toBe('@acme.ro');
    expect(emailDomainCriterion('someone@gmail.com')).toBe('someone@gmail.com');
    expect(emailDomainCriterion('someone@qq.com')).toBe('someone@qq.com');
    expect(emailDomainCriterion('someone@sohu.com')).toBe('someone@sohu.com');
    expect(emailDomainCriterion(null)).toBeNull();
  });

  it('matches providers exactly, never by parent domain', () => {
    expect(isFreeMailDomain('GMAIL.com')).toBe(true);
    expect(isFreeMailDomain('example.com')).toBe(false);
    expect(isFreeMailDomain('mail.gmail.com.evil.example')).toBe(false);
  });
});

describe('sanitizePhone', () => {
  it('gives E.164 with the record country, and without one only for international numbers', () => {
    expect(sanitizePhone('0721 234 567', 'RO')).toBe('+40721234567');
    expect(sanitizePhone('+44 7700 900274')).toBe('+447700900274');
    expect(sanitizePhone('07700 900274', 'GB')).toBe('+447700900274');
    expect(sanitizePhone('555-1234')).toBe('5551234');
    expect(sanitizePhone('+1 (555) 12')).toBe('+155512');
    expect(sanitizePhone('ext')).toBeNull();
    expect(sanitizePhone('   ')).toBeNull();
  });
});

describe('names, websites, regexes', () => {
  it('folds accents, case and Romanian cedillas for search keys', () => {
    expect(normalizeName('  Ştefan   ŢUCĂ ')).toBe('stefan tuca');
    expect(normalizeName('Ærø Café')).toBe('ærø cafe');
    expect(normalizeName('北京科技')).toBe('北京科技');
  });

  it('cleans websites like Odoo and reads their domain', () => {
    expect(cleanWebsite('acme.ro')).toBe('http://acme.ro');
    expect(cleanWebsite('https://acme.ro/x')).toBe('https://acme.ro/x');
    expect(domainOfWebsite('www.Acme.ro/about')).toBe('acme.ro');
    expect(domainOfWebsite('')).toBeNull();
  });

  it('names a company after its domain and escapes regex input', () => {
    expect(companyNameFromDomain('bluefin-logistics.co.uk')).toBe('Bluefin Logistics');
    expect(companyNameFromDomain('mobila.ro')).toBe('Mobila');
    expect(new RegExp(`^${escapeRegex('a.b*(c)')}`).test('a.b*(c)d')).toBe(true);
    expect(new RegExp(`^${escapeRegex('a.b')}`).test('axb')).toBe(false);
  });
});
