import { compareVersions, detectCapabilities, noCapabilities } from './requirement-sets';

describe('compareVersions', () => {
  test('compares part by part, so 1.13 is newer than 1.5', () => {
    expect(compareVersions('1.13', '1.5')).toBe(1);
    expect(compareVersions('1.5', '1.13')).toBe(-1);
    expect(compareVersions('1.14', '1.14')).toBe(0);
    expect(compareVersions('1.10', '1.9')).toBe(1);
    expect(compareVersions('2', '1.16')).toBe(1);
  });
});

describe('detectCapabilities', () => {
  const host = (sets: Record<string, string>) => ({
    isSetSupported: (name: string, version = '1.1') =>
      sets[name] !== undefined && compareVersions(sets[name]!, version) >= 0,
  });

  test('a Mailbox 1.15 host with NAA supports everything', () => {
    expect(
      detectCapabilities(
        host({
          Mailbox: '1.15',
          NestedAppAuth: '1.1',
          DialogApi: '1.2',
          OpenBrowserWindowApi: '1.1',
        }),
      ),
    ).toEqual({
      attachmentContent: true,
      multiSelect: true,
      emlFile: true,
      loadItemById: true,
      nestedAppAuth: true,
      dialogApi: true,
      openBrowserWindow: true,
    });
  });

  test('Mac-like 1.14: .eml and multi-select listing, but no loadItemByIdAsync', () => {
    const capabilities = detectCapabilities(host({ Mailbox: '1.14' }));
    expect(capabilities).toMatchObject({
      emlFile: true,
      multiSelect: true,
      loadItemById: false,
      nestedAppAuth: false,
    });
  });

  test('Exchange on-premises (1.5) gets none of the newer APIs', () => {
    expect(detectCapabilities(host({ Mailbox: '1.5' }))).toEqual(noCapabilities);
  });

  test('no requirements object (outside Outlook) and hosts that throw mean "unsupported"', () => {
    expect(detectCapabilities(undefined)).toEqual(noCapabilities);
    const throwing = {
      isSetSupported: () => {
        throw new Error('unknown set');
      },
    };
    expect(detectCapabilities(throwing)).toEqual(noCapabilities);
  });
});
