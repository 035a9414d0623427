import { parseServerUrl, ServerUrlError } from './server-url';

describe('parseServerUrl', () => {
  it.each([
    ['crm.example.org', 'https://crm.example.org', 'https://crm.example.org/*'],
    ['https://crm.example.org/', 'https://crm.example.org', 'https://crm.example.org/*'],
    [' https://example.org:8443/crm/ ', 'https://example.org:8443/crm', 'https://example.org/*'],
    ['http://127.0.0.1:3000', 'http://127.0.0.1:3000', 'http://127.0.0.1/*'],
    ['http://localhost:8080/', 'http://localhost:8080', 'http://localhost/*'],
  ])('%s → %s', (input, baseUrl, originPattern) => {
    expect(parseServerUrl(input)).toEqual({ baseUrl, originPattern });
  });

  it.each([
    ['', 'empty'],
    ['http://crm.example.org', 'insecure'],
    ['ftp://crm.example.org', 'scheme'],
    ['https://user:secret@crm.example.org', 'credentials'],
    ['https://exa mple.org', 'invalid'],
  ])('refuses %p (%s)', (input, problem) => {
    expect(() => parseServerUrl(input)).toThrow(ServerUrlError);
    try {
      parseServerUrl(input);
    } catch (error) {
      expect((error as ServerUrlError).problem).toBe(problem);
    }
  });
});
