// Shared jest settings: TypeScript (and the ESM-only packages we use) go through SWC.
const esmPackages = [
  'postal-mime',
  'ical\\.js',
  'jose',
  'preact',
  'openid-client',
  'oauth4webapi',
  '@babel/runtime-corejs3',
  'mimetext',
  'uuid',
];

/** @param {string} displayName @param {string} rootDir */
function jestProject(displayName, rootDir, overrides = {}) {
  return {
    displayName,
    rootDir,
    testEnvironment: 'node',
    transform: {
      '^.+\\.(t|j|mj)sx?$': [
        '@swc/jest',
        {
          jsc: {
            parser: { syntax: 'typescript', tsx: true },
            transform: { react: { runtime: 'automatic', importSource: 'preact' } },
            target: 'es2022',
          },
          module: { type: 'commonjs' },
        },
      ],
    },
    transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
    moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
    testMatch: ['<rootDir>/**/*.test.ts', '<rootDir>/**/*.test.tsx'],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    ...overrides,
  };
}

module.exports = { jestProject };
