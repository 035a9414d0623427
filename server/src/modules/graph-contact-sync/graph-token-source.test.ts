import { TokenCacheSealer } from './graph-token-source';

describe('TokenCacheSealer', () => {
  it('seals the token cache so the stored text shows no token, and opens it with the same secret', () => {
    const cache = JSON.stringify({ RefreshToken: { key: { secret: 'graph-rt-secret-value' } } });
    const sealer = new TokenCacheSealer('client-secret-one');
    const sealed = sealer.seal(cache);
    expect(sealed).not.toContain('graph-rt-secret-value');
    expect(sealed).not.toBe(sealer.seal(cache)); // a fresh IV each time
    expect(sealer.open(sealed)).toBe(cache);
  });

  it('does not open a cache sealed under another client secret, nor a damaged one', () => {
    const sealed = new TokenCacheSealer('client-secret-one').seal('{"RefreshToken":{}}');
    expect(new TokenCacheSealer('client-secret-two').open(sealed)).toBeUndefined();
    const [version, iv, tag, body] = sealed.split('.');
    const flipped = body!.startsWith('A') ? `B${body!.slice(1)}` : `A${body!.slice(1)}`;
    const damaged = [version, iv, tag, flipped].join('.');
    expect(new TokenCacheSealer('client-secret-one').open(damaged)).toBeUndefined();
    expect(new TokenCacheSealer('client-secret-one').open('{"plain":"json"}')).toBeUndefined();
  });
});
