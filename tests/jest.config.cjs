const { jestProject } = require('../jest.base.cjs');

// Cross-package and real-client tests (Thunderbird, Chromium): slower, one client per file.
module.exports = jestProject('e2e', __dirname, {
  setupFilesAfterEnv: ['<rootDir>/support/e2e-timeout.ts'],
});
