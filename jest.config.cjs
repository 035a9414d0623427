// `npm test` runs every workspace's jest project plus the cross-package and real-client tests.
module.exports = {
  projects: [
    '<rootDir>/shared',
    '<rootDir>/server',
    '<rootDir>/outlook-addin',
    '<rootDir>/thunderbird-extension',
    '<rootDir>/tests',
  ],
};
