import { postNoteBodySchema } from '@inbox-crm/shared/schemas';
import { formatTrackedValue, textToNoteHtml } from './chatter';
import { addressLines } from './pages/contact-page';
import { parseRoute } from './router';

describe('console record pages', () => {
  it('routes the add-ins\' "Open in CRM" links to the lead and contact pages', () => {
    expect(parseRoute('/leads/6650f0c2a1b2c3d4e5f60718')).toEqual({
      page: 'lead',
      leadId: '6650f0c2a1b2c3d4e5f60718',
    });
    expect(parseRoute('/contacts/6650f0c2a1b2c3d4e5f60719')).toEqual({
      page: 'contact',
      partnerId: '6650f0c2a1b2c3d4e5f60719',
    });
    expect(parseRoute('/leads')).toEqual({ page: 'not-found' });
    expect(parseRoute('/contacts/')).toEqual({ page: 'not-found' });
  });

  it('turns a typed note into escaped HTML that keeps its line breaks, and an empty one into nothing', () => {
    expect(textToNoteHtml(' Called <b>Ingrid</b> & "Ola"\nDemo on Monday ')).toBe(
      '<p>Called &lt;b&gt;Ingrid&lt;/b&gt; &amp; &quot;Ola&quot;<br>Demo on Monday</p>',
    );
    expect(textToNoteHtml('  \n ')).toBe('');
    // The empty note is refused by the same schema the server uses.
    expect(
      postNoteBodySchema.safeParse({ kind: 'note', bodyHtml: textToNoteHtml('   ') }).success,
    ).toBe(false);
  });

  it('shows tracked values as text, with a dash for nothing', () => {
    expect(formatTrackedValue(null)).toBe('—');
    expect(formatTrackedValue('')).toBe('—');
    expect(formatTrackedValue('<img src=x onerror=alert(1)>')).toBe('<img src=x onerror=alert(1)>');
    expect(formatTrackedValue(100)).toBe('100');
    expect(formatTrackedValue(false)).toBe('false');
  });

  it('writes an address one line per part, leaving out the empty ones', () => {
    expect(
      addressLines({
        street: 'Bryggen 1',
        street2: '',
        zip: '5003',
        city: 'Bergen',
        stateCode: '',
        countryCode: 'NO',
      }),
    ).toEqual(['Bryggen 1', '5003 Bergen', 'NO']);
    expect(
      addressLines({ street: '', street2: '', zip: '', city: '', stateCode: '', countryCode: '' }),
    ).toEqual([]);
  });
});
