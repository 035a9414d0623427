import { stripSubjectPrefixes } from './subject-prefixes';

describe('stripSubjectPrefixes', () => {
  it.each([
    ['Re: topic', 'topic'],
    ['RE: FW: topic', 'topic'],
    ['Fwd: Re: topic', 'topic'],
    ['Re[2]: Re(123): topic', 'topic'],
    ['Re^2: topic', 'topic'],
    ['AW: WG: Angebot Bürostühle', 'Angebot Bürostühle'],
    ['aw: Antw: topic', 'topic'],
    ['RE : TR : Offre de mobilier', 'Offre de mobilier'],
    ['回复：转发：询价：办公家具 500 套', '询价：办公家具 500 套'],
    ['答复: 询价', '询价'],
    ['回覆：轉寄：報價', '報價'],
    ['返信：転送：見積もり', '見積もり'],
    [
      'Răspuns: Redirecționat: Cerere de ofertă – mobilier birou',
      'Cerere de ofertă – mobilier birou',
    ],
    ['R: I: Preventivo', 'Preventivo'],
    ['RV: ENC: SV: VS: Odp: PD: YNT: Doorst: topic', 'topic'],
    ['[EXT] Re: topic', 'topic'],
    ['[External] FW: topic', 'topic'],
    ['Re:', 'Re:'],
    [
      'Request for quotation: 120 ergonomic office chairs',
      'Request for quotation: 120 ergonomic office chairs',
    ],
    ['Rework of the offer', 'Rework of the offer'],
    ['Information: prices', 'Information: prices'],
    ['Iarna: oferta', 'Iarna: oferta'],
  ])('%s → %s', (subject, expected) => {
    expect(stripSubjectPrefixes(subject)).toBe(expected);
  });
});
