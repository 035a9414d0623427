import path from 'node:path';

/** `<repo>/../shared/fixtures` — the team's shared fixtures beside the repository. */
export const fixturesDirectory = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'fixtures',
);
