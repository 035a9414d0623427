import { domainOfEmail, normalizeEmail, parseAddressList, parseMailbox } from './mail-address';
import { isFreeMailDomain } from './free-mail';

describe('addresses', () => {
  it('normalizes for matching and keeps dots and +tags', () => {
    expect(normalizeEmail('  Margaret.Lindqvist+rfq@Bluefin-Logistics.Example.COM ')).toBe(
      'margaret.lindqvist+rfq@bluefin-logistics.example.com',
    );
    expect(normalizeEmail('Jörg@Müller.example')).toBe('jörg@xn--mller-kva.example');
    expect(domainOfEmail('a@Huaxin-Trading.Example.CN')).toBe('huaxin-trading.example.cn');
  });

  it('parses display names, RFC 2047 words, comments and groups', () => {
    expect(parseMailbox('=?UTF-8?Q?M=C3=BCller=2C_Hans?= <h@x.example>')).toEqual({
      name: 'Müller, Hans',
      address: 'h@x.example',
    });
    expect(parseMailbox('john@example.com (John Doe)')).toEqual({
      name: 'John Doe',
      address: 'john@example.com',
    });
    expect(parseAddressList('Team: a@x.example, "B, Bee" <b@x.example>;')).toEqual([
      { name: '', address: 'a@x.example' },
      { name: 'B, Bee', address: 'b@x.example' },
    ]);
    expect(parseAddressList('Undisclosed recipients:;')).toEqual([]);
  });

  it('glues an unquoted "Last, First" back together', () => {
    expect(
      parseAddressList(
        'Lindqvist, Margaret <m@bluefin.example>, Reyes, Thomas <t@bluefin.example>',
      ),
    ).toEqual([
      { name: 'Lindqvist, Margaret', address: 'm@bluefin.example' },
      { name: 'Reyes, Thomas', address: 't@bluefin.example' },
    ]);
  });

  it('knows free-mail domains exactly, without swallowing subdomains', () => {
    for (const domain of [
      'gmail.com',
      'googlemail.com',
      'qq.com',
      '163.com',
      'web.de',
      'yahoo.ro',
      'hotmail.co.uk',
      'GMAIL.COM',
    ]) {
      expect(isFreeMailDomain(domain)).toBe(true);
    }
    for (const domain of [
      'bluefin-logistics.example.com',
      'example.com',
      'mail.gmail.com.evil.example',
    ]) {
      expect(isFreeMailDomain(domain)).toBe(false);
    }
    expect(isFreeMailDomain('partner.example', { extraFreeDomains: ['Partner.example'] })).toBe(
      true,
    );
  });
});
