const { jestProject } = require('../jest.base.cjs');

module.exports = jestProject('thunderbird-extension', __dirname);
