const { jestProject } = require('../jest.base.cjs');

module.exports = jestProject('outlook-addin', __dirname, {
  moduleNameMapper: {
    // office-addin-mock's dependency chain ends in an ESM-only package (outlook.md §2.6).
    '^office-addin-manifest$': '<rootDir>/src/test-support/office-addin-manifest.stub.cjs',
    // mimetext's CommonJS build requires Babel's ESM helpers: use its ES build, compiled by SWC.
    '^mimetext/browser$': '<rootDir>/../node_modules/mimetext/dist/mimetext.browser.es.js',
  },
});
