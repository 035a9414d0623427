import { draftToForm, formToDraft } from './draft-form';

const base = {
  name: 'Request for quotation: 120 ergonomic office chairs',
  contact: {
    name: 'Margaret Lindqvist',
    email: 'margaret.lindqvist@bluefin-logistics.example.com',
  },
  companyName: 'Bluefin Logistics Ltd',
  description: 'Dear Sofia, …',
};

describe('draft form', () => {
  it('shows the prefilled draft and gives it back unchanged when nothing was edited', () => {
    const form = draftToForm(base);
    expect(form).toMatchObject({
      name: base.name,
      contactEmail: base.contact.email,
      companyName: 'Bluefin Logistics Ltd',
      priority: '1',
    });
    expect(formToDraft(form, base)).toEqual({ draft: { ...base, priority: '1' } });
  });

  it('takes the user’s edits: revenue with a decimal comma, a closing date, no company', () => {
    const form = {
      ...draftToForm(base),
      expectedRevenue: '12 500,50',
      dateDeadline: '2026-03-31',
      companyName: ' ',
      priority: '3' as const,
    };
    expect(formToDraft(form, base).draft).toMatchObject({
      expectedRevenue: 12500.5,
      dateDeadline: '2026-03-31',
      companyName: null,
      priority: '3',
    });
  });

  it('reports every bad field with a message key and sends nothing', () => {
    const form = {
      ...draftToForm(base),
      name: '  ',
      contactEmail: 'not-an-address',
      expectedRevenue: '-3',
      dateDeadline: '31/03/2026',
    };
    expect(formToDraft(form, base)).toEqual({
      errors: {
        name: 'errorRequired',
        contactEmail: 'errorEmail',
        expectedRevenue: 'errorAmount',
        dateDeadline: 'errorDate',
      },
    });
  });

  it('drops the contact when the e-mail is cleared, and uses the address as name when the name is', () => {
    expect(
      formToDraft({ ...draftToForm(base), contactEmail: '' }, base).draft?.contact,
    ).toBeUndefined();
    expect(formToDraft({ ...draftToForm(base), contactName: '' }, base).draft?.contact).toEqual({
      name: base.contact.email,
      email: base.contact.email,
    });
  });
});
