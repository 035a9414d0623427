// `npm test` runs every workspace's jest project plus the cross-package and real-client tests.
module.exports = {
  // Global (projects cannot set it): integration tests on a shared 2-core machine need headroom;
  // speed is measured by `npm run bench`, never by test timeouts.
  testTimeout: 60_000,
  projects: [
    '<rootDir>/shared',
    '<rootDir>/server',
    '<rootDir>/outlook-addin',
    '<rootDir>/thunderbird-extension',
    '<rootDir>/tests',
  ],
};
