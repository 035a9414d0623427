const { jestProject } = require('../jest.base.cjs');

module.exports = jestProject('shared', __dirname);
